-- Jobs (issue 7): queue declarations, the transactional outbox and database webhooks.
--
-- A job exists if and only if the transaction that asked for it commits: `floe.enqueue()` and the
-- webhook trigger only write a row to `floe.outbox` in the caller's transaction; the relay
-- (server/src/jobs/relay.ts) moves committed rows into BullMQ and stamps `sent_at` after BullMQ
-- accepted them, using `o-<id>` as the BullMQ job id so a crash between the two never duplicates.

create table floe.queues (
  name             text primary key check (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$' and name <> 'admin'),
  -- Which handler runs the queue's jobs: `webhook`, `email` or a module of FLOE_FUNCTIONS_DIR.
  handler          text not null check (handler ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  concurrency      integer not null default 10 check (concurrency between 1 and 1000),
  attempts         integer not null default 3 check (attempts between 1 and 100),
  backoff_type     text not null default 'exponential' check (backoff_type in ('fixed', 'exponential')),
  backoff_ms       integer not null default 1000 check (backoff_ms between 0 and 86400000),
  timeout_ms       integer not null default 60000 check (timeout_ms between 100 and 86400000),
  rate_max         integer check (rate_max > 0),
  rate_duration_ms integer check (rate_duration_ms > 0),
  -- Request roles allowed to enqueue (HTTP and floe.enqueue). The service role always may.
  enqueue_roles    text[] not null default '{service_role}',
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  check ((rate_max is null) = (rate_duration_ms is null))
);

insert into floe.queues (name, handler, attempts, backoff_ms, timeout_ms) values
  ('email', 'email', 5, 5000, 60000),
  ('webhook', 'webhook', 5, 1000, 30000);

create table floe.outbox (
  id           bigserial primary key,
  queue        text not null,
  payload      jsonb not null,
  options      jsonb not null default '{}',
  -- Who asked, so `GET /jobs/v1/:queue/:id` shows a user only their own jobs.
  enqueued_role text,
  enqueued_sub  text,
  created_at   timestamptz not null default now(),
  sent_at      timestamptz
);

-- The relay's scan: unsent rows in id order.
create index outbox_unsent_idx on floe.outbox (id) where sent_at is null;

-- Wakes the relays. One notification per statement (and Postgres folds identical ones per
-- transaction), so a 1,000-row insert costs one NOTIFY, delivered only at COMMIT.
create function floe.outbox_notify() returns trigger
language plpgsql as $$
begin
  perform pg_notify('floe_outbox', '');
  return null;
end $$;

create trigger outbox_notify after insert on floe.outbox
  for each statement execute function floe.outbox_notify();

-- Workers follow declaration changes without a restart.
create function floe.queues_notify() returns trigger
language plpgsql as $$
begin
  perform pg_notify('floe_queues', '');
  return null;
end $$;

create trigger queues_notify after insert or update or delete on floe.queues
  for each statement execute function floe.queues_notify();

-- Enqueue inside the caller's transaction. Security definer so the request roles need no grant on
-- the outbox; search_path fixed so a caller's objects cannot stand in for ours. The caller's role
-- is the `role` setting (withRequestRole's SET ROLE), which a security definer function does not
-- change; 'none' means the server's own connection (migrations, triggers run by the owner), which
-- may enqueue anywhere.
create function floe.enqueue(queue text, payload jsonb, options jsonb default '{}')
returns text
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  caller text := coalesce(nullif(current_setting('role', true), ''), 'none');
  claims jsonb := coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb;
  roles text[];
  new_id bigint;
begin
  select q.enqueue_roles into roles from floe.queues q where q.name = enqueue.queue;
  if not found then
    raise exception 'queue "%" is not declared', enqueue.queue using errcode = 'P0002',
      hint = 'Declare it with POST /jobs/v1/admin/queues';
  end if;
  if caller not in ('none', 'service_role') and not (caller = any (roles)) then
    raise exception 'role "%" may not enqueue to queue "%"', caller, enqueue.queue using errcode = '42501';
  end if;
  if payload is null then
    raise exception 'payload must not be null' using errcode = '22004';
  end if;
  if jsonb_typeof(coalesce(options, '{}')) <> 'object' then
    raise exception 'options must be a JSON object' using errcode = '22023';
  end if;
  insert into floe.outbox (queue, payload, options, enqueued_role, enqueued_sub)
  values (enqueue.queue, payload, coalesce(options, '{}'), caller, claims ->> 'sub')
  returning id into new_id;
  return 'o-' || new_id;
end $$;

grant usage on schema floe to anon, authenticated, service_role;
revoke all on function floe.enqueue(text, jsonb, jsonb) from public;
grant execute on function floe.enqueue(text, jsonb, jsonb) to anon, authenticated, service_role;

-- Database webhooks: "on insert/update/delete of table T, call URL U (or enqueue to queue Q)".
create table floe.webhooks (
  id          uuid primary key default gen_random_uuid(),
  name        text not null unique check (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  table_schema text not null,
  table_name  text not null,
  events      text[] not null check (events <@ array['insert', 'update', 'delete'] and cardinality(events) > 0),
  -- Exactly one target: a URL (delivered by the `webhook` queue) or a queue of the app's own.
  url         text check (url ~ '^https?://'),
  queue       text references floe.queues (name) on update cascade,
  -- HMAC-SHA256 key of the X-Floe-Signature header; readable only by the server's role.
  secret      text not null default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
  created_at  timestamptz not null default now(),
  check ((url is null) <> (queue is null))
);

-- The trigger the webhook admin routes attach (`floe_webhook_<name>`) with the webhook's id as
-- argument. It writes the event to the outbox in the changing transaction: no event without its
-- change, no change without its event.
create function floe.webhook_trigger() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  hook floe.webhooks;
  body jsonb;
begin
  select * into hook from floe.webhooks where id = tg_argv[0]::uuid;
  if not found or not (lower(tg_op) = any (hook.events)) then
    return null;
  end if;
  body := jsonb_build_object(
    'type', tg_op, 'schema', tg_table_schema, 'table', tg_table_name, 'webhook', hook.name,
    'record', case when tg_op = 'DELETE' then null else to_jsonb(new) end,
    'old_record', case when tg_op = 'INSERT' then null else to_jsonb(old) end);
  if hook.url is not null then
    insert into floe.outbox (queue, payload, options, enqueued_role)
    values ('webhook', jsonb_build_object('url', hook.url, 'webhook_id', hook.id, 'body', body), '{}', 'none');
  else
    insert into floe.outbox (queue, payload, options, enqueued_role) values (hook.queue, body, '{}', 'none');
  end if;
  return null;
end $$;

revoke all on function floe.webhook_trigger() from public;
revoke all on all tables in schema floe from public;
