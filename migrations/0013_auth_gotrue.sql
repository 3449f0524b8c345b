-- The fields GoTrue's user and session carry (issue 14), on better-auth's own tables: Floe serves
-- the routes `@supabase/auth-js` calls (/auth/v1/signup, /token, /user, /verify, ...) from the
-- same users and sessions better-auth's routes use. One user store, two doors.

alter table auth.users
  -- GoTrue's raw_user_meta_data (the user may write it) and raw_app_meta_data (only the service
  -- role may), each at most 16 kB so no field is unbounded.
  add column user_metadata        jsonb not null default '{}'::jsonb
    constraint users_user_metadata_size check (octet_length(user_metadata::text) <= 16384),
  add column app_metadata         jsonb not null default '{}'::jsonb
    constraint users_app_metadata_size check (octet_length(app_metadata::text) <= 16384),
  add column email_confirmed_at   timestamptz,
  add column last_sign_in_at      timestamptz,
  -- an email change waiting for its confirmation
  add column new_email            text,
  add column confirmation_sent_at timestamptz,
  add column recovery_sent_at     timestamptz,
  add column email_change_sent_at timestamptz;

update auth.users set email_confirmed_at = updated_at where email_verified;

-- better-auth knows `email_verified` only; GoTrue's clients read when it became true.
create function auth.users_email_confirmed_at() returns trigger language plpgsql as $$
begin
  if new.email_verified and new.email_confirmed_at is null then
    new.email_confirmed_at := now();
  elsif not new.email_verified then
    new.email_confirmed_at := null;
  end if;
  return new;
end
$$;
create trigger users_email_confirmed_at before insert or update of email_verified on auth.users
  for each row execute function auth.users_email_confirmed_at();

-- Authenticator assurance: aal2 once a second factor was verified in this session; amr lists how
-- the session was proved ([{ "method": "password", "timestamp": 1700000000 }, ...]), both copied
-- into every access token minted from the session.
alter table auth.sessions
  add column aal text not null default 'aal1' constraint sessions_aal check (aal in ('aal1', 'aal2')),
  add column amr jsonb not null default '[]'::jsonb;

grant select (user_metadata, app_metadata, email_confirmed_at, last_sign_in_at) on auth.users to authenticated;
grant select (aal, amr) on auth.sessions to service_role;

-- MFA factors as GoTrue has them (several per user, each with a friendly name, unverified until
-- a first code is verified) and their challenges. The TOTP secret is encrypted with the auth
-- secret; no API role may read it.
create table auth.mfa_factors (
  id                 uuid primary key default gen_random_uuid(),
  user_id            uuid not null references auth.users (id) on delete cascade,
  friendly_name      text constraint mfa_factors_friendly_name_length check (char_length(friendly_name) <= 200),
  factor_type        text not null default 'totp' constraint mfa_factors_type check (factor_type = 'totp'),
  status             text not null default 'unverified' constraint mfa_factors_status check (status in ('unverified', 'verified')),
  secret             text not null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  last_challenged_at timestamptz
);
create index mfa_factors_user_id_idx on auth.mfa_factors (user_id);
create unique index mfa_factors_user_friendly_name_idx on auth.mfa_factors (user_id, friendly_name) where friendly_name is not null;

create table auth.mfa_challenges (
  id          uuid primary key default gen_random_uuid(),
  factor_id   uuid not null references auth.mfa_factors (id) on delete cascade,
  created_at  timestamptz not null default now(),
  verified_at timestamptz,
  ip_address  text
);
create index mfa_challenges_factor_id_idx on auth.mfa_challenges (factor_id);

revoke all on auth.mfa_factors, auth.mfa_challenges from public, anon, authenticated;
grant select (id, user_id, friendly_name, factor_type, status, created_at, updated_at, last_challenged_at)
  on auth.mfa_factors to service_role;
