-- Refresh tokens rotate (as Supabase's): each refresh of /auth/v1/token answers a new refresh
-- token and retires the one presented. The retired one is kept for a short reuse interval
-- (AUTH_REFRESH_TOKEN_REUSE_INTERVAL_S), so two tabs refreshing at once both get the new token;
-- presented after that, it is taken as stolen and the session ends.
alter table auth.sessions
  add column previous_token text,
  add column rotated_at     timestamptz;
create index sessions_previous_token_idx on auth.sessions (previous_token) where previous_token is not null;
