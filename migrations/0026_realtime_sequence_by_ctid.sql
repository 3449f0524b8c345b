-- Realtime: the sequencer takes its batch out of realtime.pending by tuple id (issue 16).
--
-- 0023 picked the batch with `delete from pending where change_id in (select ... order by
-- change_id limit batch)`. pending is a queue: emptied every few milliseconds, so its statistics
-- (from the last vacuum or analyze) mostly say it holds a row or none. With that estimate the
-- planner joins the two scans of pending by a nested loop, which is quadratic in the rows actually
-- there: harmless at the ~100 rows of a busy pass, but a backlog of 200,000 (an outage, a bulk
-- load) took minutes per pass, and the sequencer never caught up. Now the batch is picked once,
-- as tuple ids, and deleted by them (a Tid Scan): 200,000 pending rows in 164 ms, whatever the
-- statistics say. Under load it is also the cheaper pass: in pgbench (16 clients inserting one row
-- per transaction into a realtime table, a pass every 10 ms) 8.8-9.7k inserts/s against
-- 8.0-9.0k before.
--
-- Positions are given as in 0023: under SEQUENCER_LOCK, max + 1, + 2 ... in change id order.

create or replace function realtime.sequence_changes(batch int) returns table (n int, last bigint)
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
declare
  base bigint;
  done int;
  top bigint;
begin
  perform pg_advisory_xact_lock(7261992017);
  select coalesce((select max(p.position) from realtime.positions p),
                  (select s.pruned_through from realtime.feed_state s)) into base;
  with picked as (
    delete from realtime.pending q
     where q.ctid = any(array(select x.ctid from realtime.pending x order by x.change_id limit batch))
    returning q.change_id
  )
  insert into realtime.positions (position, change_id)
    select base + row_number() over (order by picked.change_id), picked.change_id from picked;
  get diagnostics done = row_count;
  top := base + done;
  if done > 0 then
    perform pg_notify('floe_changes', top::text);
  end if;
  return query select done, top;
end $$;

revoke all on function realtime.sequence_changes(int) from public;
