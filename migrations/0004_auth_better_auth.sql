-- better-auth's tables (issue 5), in schema `auth`, plural snake_case (server/src/auth/auth-schema.ts
-- maps better-auth's models and fields to these names). Generated from better-auth 1.7's schema
-- for the plugins Floe enables (bearer, admin, magic link, two-factor, anonymous) with
-- `advanced.database.generateId: 'uuid'`, so a user id is a uuid and `auth.uid()` (the JWT `sub`)
-- compares to it directly.
--
-- `auth.users` is the table itself, not a view: app tables reference users with
--   owner_id uuid references auth.users (id) on delete cascade
-- and deleting a user (admin plugin) cascades to its sessions, accounts and two-factor rows.

create table auth.users (
  id                 uuid primary key default gen_random_uuid(),
  name               text not null,
  email              text not null unique,
  email_verified     boolean not null,
  image              text,
  created_at         timestamptz not null default current_timestamp,
  updated_at         timestamptz not null default current_timestamp,
  -- admin plugin
  role               text,
  banned             boolean,
  ban_reason         text,
  ban_expires        timestamptz,
  -- two-factor plugin
  two_factor_enabled boolean,
  -- anonymous plugin
  is_anonymous       boolean
);

create table auth.sessions (
  id              uuid primary key default gen_random_uuid(),
  -- The session token is the refresh token of /auth/v1/token: only the server's role reads it.
  token           text not null unique,
  user_id         uuid not null references auth.users (id) on delete cascade,
  expires_at      timestamptz not null,
  created_at      timestamptz not null default current_timestamp,
  updated_at      timestamptz not null,
  ip_address      text,
  user_agent      text,
  -- admin plugin
  impersonated_by text
);
create index sessions_user_id_idx on auth.sessions (user_id);

create table auth.accounts (
  id                       uuid primary key default gen_random_uuid(),
  account_id               text not null,
  provider_id              text not null,
  user_id                  uuid not null references auth.users (id) on delete cascade,
  access_token             text,
  refresh_token            text,
  id_token                 text,
  access_token_expires_at  timestamptz,
  refresh_token_expires_at timestamptz,
  scope                    text,
  -- scrypt hash of the password (provider 'credential')
  password                 text,
  created_at               timestamptz not null default current_timestamp,
  updated_at               timestamptz not null
);
create index accounts_user_id_idx on auth.accounts (user_id);

create table auth.verifications (
  id         uuid primary key default gen_random_uuid(),
  identifier text not null,
  value      text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
create index verifications_identifier_idx on auth.verifications (identifier);

create table auth.two_factors (
  id                        uuid primary key default gen_random_uuid(),
  secret                    text not null,
  backup_codes              text not null,
  user_id                   uuid not null references auth.users (id) on delete cascade,
  verified                  boolean,
  failed_verification_count integer,
  locked_until              timestamptz
);
create index two_factors_secret_idx on auth.two_factors (secret);
create index two_factors_user_id_idx on auth.two_factors (user_id);

-- Development mailer: emails kept here instead of sent (no SMTP settings). They carry one-time
-- links, so only the server's role and the service role (admins, dashboard) may read them.
create table auth.outbox (
  id         bigint generated always as identity primary key,
  kind       text not null,
  to_address text not null,
  subject    text not null,
  text_body  text not null,
  html_body  text not null,
  created_at timestamptz not null default now()
);
create index outbox_to_address_idx on auth.outbox (to_address, created_at desc);

-- Privileges. Nothing in `auth` is readable by anon. A signed-in user may read the public columns
-- of their own row (RLS below), so rules and functions run as `authenticated` can join on
-- `auth.users` for the caller; other users' rows stay hidden. The service role (admins) reads
-- users, sessions and accounts without their secrets (tokens, password hashes, TOTP secrets).
revoke all on all tables in schema auth from public, anon, authenticated;

grant select (id, name, email, email_verified, image, created_at, updated_at, is_anonymous)
  on auth.users to authenticated;
grant select on auth.users to service_role;
grant select (id, user_id, expires_at, created_at, updated_at, ip_address, user_agent, impersonated_by)
  on auth.sessions to service_role;
grant select (id, account_id, provider_id, user_id, scope, created_at, updated_at)
  on auth.accounts to service_role;
grant select on auth.outbox to service_role;

-- The server's role owns the table and is exempt; service_role has BYPASSRLS.
alter table auth.users enable row level security;
create policy users_read_own on auth.users for select to authenticated using (id = (select auth.uid()));

comment on table auth.users is
  'Floe users (better-auth). App tables reference auth.users (id); a signed-in user sees only their own row.';
comment on table auth.outbox is
  'Auth emails kept by the development mailer (no SMTP configured). Readable by the service role only.';
