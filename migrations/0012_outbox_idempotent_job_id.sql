-- Jobs: an idempotency key given to floe.enqueue is resolved in the enqueuing transaction.
--
-- Before, every call wrote an outbox row and the relay left the deduplication to BullMQ (a job id
-- it already has is ignored). Two rows with the same key could then be moved by two relay lanes
-- at once, and the later enqueue could become the job: "first one wins" held only when the first
-- row reached Redis first. And floe.enqueue answered `o-<outbox id>` even for a keyed job, whose
-- BullMQ id is the key's (`k-…`), so the id it returned found nothing.
--
-- Now a keyed row carries its BullMQ job id (the same hash as server/src/jobs/job-id.ts: role,
-- sub and key), unique per queue among the rows still waiting: a second enqueue with the key
-- while the first waits (or is still being committed: the unique check waits for it) writes no
-- row, and a later one reaches BullMQ, which ignores it. Either way floe.enqueue answers the job's
-- real id.
alter table floe.outbox add column job_id text;
create unique index outbox_job_id_idx on floe.outbox (queue, job_id) where job_id is not null;

create or replace function floe.enqueue(queue text, payload jsonb, options jsonb default '{}')
returns text
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
-- The ON CONFLICT target names the columns `queue` and `job_id`; the parameters are always
-- written qualified (enqueue.queue) where a column of that name could be meant.
#variable_conflict use_column
declare
  caller text := coalesce(nullif(current_setting('role', true), ''), 'none');
  claims jsonb := coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb;
  roles text[];
  key text;
  keyed_id text;
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
  if enqueue.payload is null then
    raise exception 'payload must not be null' using errcode = '22004';
  end if;
  if jsonb_typeof(coalesce(enqueue.options, '{}')) <> 'object' then
    raise exception 'options must be a JSON object' using errcode = '22023';
  end if;
  if jsonb_typeof(enqueue.options -> 'idempotency_key') = 'string' then
    key := enqueue.options ->> 'idempotency_key';
    keyed_id := 'k-' || left(encode(sha256(
      convert_to(caller, 'UTF8') || '\x00'::bytea || convert_to(coalesce(claims ->> 'sub', ''), 'UTF8') || '\x00'::bytea || convert_to(key, 'UTF8')
    ), 'hex'), 40);
    insert into floe.outbox (queue, payload, options, enqueued_role, enqueued_sub, job_id)
    values (enqueue.queue, enqueue.payload, enqueue.options, caller, claims ->> 'sub', keyed_id)
    on conflict (queue, job_id) where job_id is not null do nothing;
    return keyed_id;
  end if;
  insert into floe.outbox (queue, payload, options, enqueued_role, enqueued_sub)
  values (enqueue.queue, enqueue.payload, coalesce(enqueue.options, '{}'), caller, claims ->> 'sub')
  returning id into new_id;
  return 'o-' || new_id;
end $$;
