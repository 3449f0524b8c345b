-- floe.enqueue_trusted: enqueue as the server from SQL the database owner wrote (issue 19).
--
-- floe.enqueue checks the request role (the `role` setting, which withRequestRole SETs and which a
-- SECURITY DEFINER function does not change). So a trigger on a table users write ("a like
-- notifies the post's owner") could enqueue only to a queue those users may enqueue to directly
-- too, i.e. POST /jobs/v1/<queue> with any payload they like: an email queue open to the world.
--
-- floe.enqueue_trusted enqueues as the server (enqueued_role 'none', as database webhooks do).
-- EXECUTE is the owner's alone (revoked from public, granted to no request role), and Postgres
-- checks it against current_user: a SECURITY DEFINER function the owner created (the trigger)
-- may call it, a client calling it through /rest/v1/rpc or from its own SQL may not. The job still
-- exists if and only if the caller's transaction commits.
--
-- Both entries share one body, floe.enqueue_as (owner-only too).

create or replace function floe.enqueue_as(caller text, sub text, queue text, payload jsonb, options jsonb)
returns text
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
#variable_conflict use_column
declare
  key text;
  keyed_id text;
  new_id bigint;
begin
  if not exists (select 1 from floe.queues q where q.name = enqueue_as.queue) then
    raise exception 'queue "%" is not declared', enqueue_as.queue using errcode = 'P0002',
      hint = 'Declare it with POST /jobs/v1/admin/queues';
  end if;
  if enqueue_as.payload is null then
    raise exception 'payload must not be null' using errcode = '22004';
  end if;
  if jsonb_typeof(coalesce(enqueue_as.options, '{}')) <> 'object' then
    raise exception 'options must be a JSON object' using errcode = '22023';
  end if;
  if jsonb_typeof(enqueue_as.options -> 'idempotency_key') = 'string' then
    key := enqueue_as.options ->> 'idempotency_key';
    keyed_id := 'k-' || left(encode(sha256(
      convert_to(enqueue_as.caller, 'UTF8') || '\x00'::bytea || convert_to(coalesce(enqueue_as.sub, ''), 'UTF8') || '\x00'::bytea || convert_to(key, 'UTF8')
    ), 'hex'), 40);
    insert into floe.outbox (queue, payload, options, enqueued_role, enqueued_sub, job_id)
    values (enqueue_as.queue, enqueue_as.payload, enqueue_as.options, enqueue_as.caller, enqueue_as.sub, keyed_id)
    on conflict (queue, job_id) where job_id is not null do nothing;
    return keyed_id;
  end if;
  insert into floe.outbox (queue, payload, options, enqueued_role, enqueued_sub)
  values (enqueue_as.queue, enqueue_as.payload, coalesce(enqueue_as.options, '{}'), enqueue_as.caller, enqueue_as.sub)
  returning id into new_id;
  return 'o-' || new_id;
end $$;
revoke all on function floe.enqueue_as(text, text, text, jsonb, jsonb) from public;

create or replace function floe.enqueue(queue text, payload jsonb, options jsonb default '{}')
returns text
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  caller text := coalesce(nullif(current_setting('role', true), ''), 'none');
  claims jsonb := coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb;
  roles text[];
begin
  select q.enqueue_roles into roles from floe.queues q where q.name = enqueue.queue;
  if not found then
    raise exception 'queue "%" is not declared', enqueue.queue using errcode = 'P0002',
      hint = 'Declare it with POST /jobs/v1/admin/queues';
  end if;
  if caller not in ('none', 'service_role') and not (caller = any (roles)) then
    raise exception 'role "%" may not enqueue to queue "%"', caller, enqueue.queue using errcode = '42501',
      hint = 'A trigger or function the owner wrote can enqueue as the server with floe.enqueue_trusted';
  end if;
  return floe.enqueue_as(caller, claims ->> 'sub', enqueue.queue, enqueue.payload, enqueue.options);
end $$;

create or replace function floe.enqueue_trusted(queue text, payload jsonb, options jsonb default '{}')
returns text
language sql security definer set search_path = pg_catalog, pg_temp as $$
  select floe.enqueue_as('none', null, queue, payload, options)
$$;
revoke all on function floe.enqueue_trusted(text, jsonb, jsonb) from public;
