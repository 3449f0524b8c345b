-- Platform state kept in the database: the instance's generated secrets and its API keys.
-- Schema `floe` is private to the server's own role: the request roles get no access at all.

create schema if not exists floe;
revoke all on schema floe from public;

create table floe.instance_secrets (
  name       text primary key,
  value      text not null,
  created_at timestamptz not null default now()
);

-- API keys are looked up by the SHA-256 of the presented key; the key itself is kept only
-- encrypted (AES-256-GCM under a key derived from the instance's JWT secret) so `floe keys` can
-- show it again.
create table floe.api_keys (
  id             uuid primary key default gen_random_uuid(),
  kind           text not null check (kind in ('anon', 'service')),
  key_hash       bytea not null unique,
  key_ciphertext text not null,
  created_at     timestamptz not null default now(),
  revoked_at     timestamptz
);

create unique index api_keys_one_active_per_kind on floe.api_keys (kind) where revoked_at is null;

revoke all on all tables in schema floe from public;
