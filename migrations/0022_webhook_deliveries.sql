-- Webhook deliveries (issue 18): one row per attempt of the built-in `webhook` handler, success or
-- failure, so an admin can see whether a webhook's calls succeed. Written by the worker through
-- the server's own pool (after the attempt, outside any caller's transaction); served only by the
-- jobs admin API, so no API role has a grant.
--
-- Retention: the handler deletes rows older than 7 days itself, at most once every few minutes
-- per worker process (server/src/jobs/delivery-log.ts), using the `at` index below.
create table if not exists floe.webhook_deliveries (
  id bigint generated always as identity primary key,
  -- Null for a `webhook` job enqueued directly (no declared webhook); a webhook's deliveries go
  -- with it when it is deleted.
  webhook_id uuid references floe.webhooks (id) on delete cascade,
  job_id text not null check (length(job_id) <= 200),
  attempt integer not null check (attempt >= 1),
  url text not null check (length(url) <= 2048),
  -- The HTTP status answered; null when no response came (timeout, refused, reset).
  status integer check (status between 0 and 999),
  ok boolean not null,
  error text check (length(error) <= 1000),
  duration_ms integer not null check (duration_ms >= 0),
  at timestamptz not null default now()
);
-- "The newest deliveries of one webhook", paged by id (ids grow with time).
create index if not exists webhook_deliveries_webhook on floe.webhook_deliveries (webhook_id, id desc);
-- The age prune.
create index if not exists webhook_deliveries_at on floe.webhook_deliveries (at);
revoke all on floe.webhook_deliveries from public;
