-- The admin audit log: who changed what through /admin/v1, and the SQL that ran. Written in the
-- same transaction as the change it records (a change that rolls back leaves no entry), readable
-- only by the server's own role (the admin API serves it; no API role has a grant).
create table if not exists floe.admin_audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  -- The admin user's id, or null for the service key.
  actor_id uuid,
  -- 'service_key', or the admin user's email at the time.
  actor text not null check (length(actor) <= 320),
  action text not null check (action ~ '^[a-z_]+\.[a-z_]+$' and length(action) <= 100),
  target text check (length(target) <= 1000),
  sql text check (length(sql) <= 200000),
  details jsonb check (pg_column_size(details) <= 65536)
);
create index if not exists admin_audit_log_at on floe.admin_audit_log (at desc, id desc);
revoke all on floe.admin_audit_log from public;
