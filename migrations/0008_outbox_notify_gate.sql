-- Jobs: the outbox's NOTIFY no longer serializes busy producers.
--
-- A transaction that has called NOTIFY takes a database-wide lock at commit and holds it until
-- its commit record is flushed, so notifying transactions commit one fsync at a time: no group
-- commit. With 50 clients each committing one `floe.enqueue`, that capped the producers at one
-- commit per fsync (pgbench on the dev box: 1,980 commits/s with the statement trigger's NOTIFY,
-- 4,940 without).
--
-- A relay that is busy polls on its own (server/src/jobs/relay.ts); while it does, it holds the
-- session advisory lock below on its LISTEN connection, and the trigger skips the NOTIFY. An idle
-- relay holds no lock, so the first row after a quiet spell still wakes it at once. The trigger
-- only tests the lock (taken shared and released at once: it never waits and never makes the
-- relay wait for a producer's transaction). A relay that dies lets go of the lock with its
-- connection, and NOTIFY resumes.
create or replace function floe.outbox_notify() returns trigger
language plpgsql as $$
begin
  if pg_try_advisory_lock_shared(7261992003) then
    perform pg_advisory_unlock_shared(7261992003);
    perform pg_notify('floe_outbox', '');
  end if;
  return null;
end $$;
