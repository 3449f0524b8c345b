-- Realtime broadcast and presence (issue 16): `realtime.messages`, whose row-level rules decide
-- who may join a private channel, and `realtime.send(...)`, broadcast from SQL, as in Supabase.
--
-- Private channels. The server authorises a join by probing this table as the member's role and
-- JWT claims with `realtime.topic()` set to the channel's topic, in a transaction it rolls back
-- (server/src/realtime/hub/authorize.ts, the probe Supabase Realtime makes): the member may READ
-- when a select rule lets it see a message of that topic and extension ('broadcast' or
-- 'presence'), and WRITE when an insert rule would let it insert one. RLS is on and no rule is
-- written here: private channels are closed to anon and authenticated until an admin writes
-- rules, e.g.
--   create policy "members read room 1" on realtime.messages for select to authenticated
--     using (realtime.topic() = 'room:1' and extension in ('broadcast', 'presence'));
-- The service role bypasses RLS and so may do anything.
--
-- Broadcast from SQL. `realtime.send(payload, event, topic, private)` inserts a message here; the
-- insert trigger NOTIFYs `floe_realtime_messages`, and Postgres delivers a NOTIFY only when the
-- transaction commits, never on rollback: every Floe replica LISTENs and fans the message out to
-- its own subscribers. The NOTIFY carries the message itself when it fits Postgres' 8000-byte
-- limit, and only its id otherwise (the replicas read it back). A plain `insert into
-- realtime.messages (topic, extension, event, payload, private)` with extension 'broadcast' and
-- an event broadcasts the same way, as it does in Supabase.
--
-- As in Supabase, realtime.send runs with its caller's rights (security invoker): a trigger
-- fired by an `authenticated` request needs an insert rule on realtime.messages, or (what
-- Supabase's docs do) the trigger function is `security definer` and owned by the admin role. A
-- failure (no insert right, a bad payload) is turned into a WARNING, never aborting the
-- caller's transaction.
--
-- Messages are kept for a while (the server deletes those older than its retention), so tables
-- stay small; nothing reads them back after delivery.

create schema if not exists realtime;
grant usage on schema realtime to anon, authenticated, service_role;

create table if not exists realtime.messages (
  id             uuid primary key default gen_random_uuid(),
  topic          text not null,
  extension      text not null check (extension in ('broadcast', 'presence')),
  event          text,
  payload        jsonb,
  binary_payload bytea,
  private        boolean not null default false,
  inserted_at    timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  constraint messages_payload_exclusive check (payload is null or binary_payload is null)
);
create index if not exists messages_inserted_at on realtime.messages (inserted_at);

alter table realtime.messages enable row level security;
revoke all on realtime.messages from public, anon, authenticated, service_role;
grant select, insert, update on realtime.messages to anon, authenticated, service_role;

-- The topic being authorised (or sent to by realtime.send), for rules.
create or replace function realtime.topic() returns text
  language sql stable
  as $$ select nullif(current_setting('realtime.topic', true), '')::text $$;

-- Broadcast rows NOTIFY on insert; the probe rows of an authorisation (no event) do not, and are
-- rolled back anyway.
create or replace function realtime.floe_notify_message() returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
declare
  body text;
begin
  body := json_build_object(
    'id', new.id, 'topic', new.topic, 'event', new.event, 'private', new.private,
    'payload', new.payload, 'binary', encode(new.binary_payload, 'base64'))::text;
  -- 8000 bytes is NOTIFY's limit: past it, the id only, and the replicas read the row.
  if octet_length(body) > 7900 then
    body := json_build_object('id', new.id)::text;
  end if;
  perform pg_notify('floe_realtime_messages', body);
  return null;
end
$$;

drop trigger if exists floe_notify_message on realtime.messages;
create trigger floe_notify_message
  after insert on realtime.messages
  for each row
  when (new.extension = 'broadcast' and new.event is not null)
  execute function realtime.floe_notify_message();

create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true) returns void
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
declare
  generated_id uuid := gen_random_uuid();
  final_payload jsonb := payload;
begin
  begin
    -- As Supabase: the message's id is added to an object payload that has none.
    if jsonb_typeof(payload) = 'object' and not payload ? 'id' then
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (id, payload, event, topic, private, extension)
      values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception when others then
    raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end
$$;

create or replace function realtime.send_binary(payload bytea, event text, topic text, private boolean default true) returns void
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
begin
  begin
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (binary_payload, event, topic, private, extension)
      values (payload, event, topic, private, 'broadcast');
  exception when others then
    raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end
$$;

-- The write half of the authorisation probe: could the caller insert a message of this topic
-- (realtime.topic()) and extension? The probe row is always undone (the inner block's own
-- exception rolls it back), so the function changes nothing whoever calls it.
create or replace function realtime.floe_can_insert(ext text) returns boolean
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
begin
  begin
    insert into realtime.messages (topic, extension, private) values (realtime.topic(), ext, true);
    raise sqlstate 'FLOE1';
  exception when sqlstate 'FLOE1' then
    return true;
  end;
exception when insufficient_privilege then
  return false;
end
$$;

-- Replica-to-replica messages too large for a NOTIFY (the hub's Postgres bus, without Redis):
-- the body is kept here a little while and the NOTIFY carries its id.
create unlogged table if not exists realtime.floe_bus (
  id         bigint generated always as identity primary key,
  body       text not null,
  created_at timestamptz not null default now()
);
revoke all on realtime.floe_bus from public, anon, authenticated, service_role;
revoke all on function realtime.floe_notify_message() from public;
