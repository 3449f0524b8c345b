-- Realtime: positions without rewriting the change rows (issue 16, insert throughput).
--
-- 0017 gave a change its position with an UPDATE of the change row. That UPDATE could not be HOT
-- (`position` is indexed), so it wrote the whole row again, jsonb images included, plus an entry
-- in each index, and left a dead row behind: measured, sequencing wrote 424 bytes of WAL per
-- change on top of the 478 of the captured insert, and insert throughput with realtime on fell to
-- 77-80% of realtime off.
--
-- Now the images are written once and never touched:
--   * realtime.change_log: the captured row images, by id (what realtime.changes was, without
--     `position`);
--   * realtime.pending: the ids of captured changes not yet sequenced (narrow, no index: a queue
--     the sequencer empties as it goes);
--   * realtime.positions: (position, change_id), written by the sequencer, which moves ids from
--     pending to positions in one statement: a narrow delete and a narrow insert per change.
-- realtime.changes is now a view joining positions to the log, so readers (check_changes of 0019,
-- the tests, an operator's query) see what they saw: sequenced changes with their position.
-- The sequencer's contract is unchanged: under SEQUENCER_LOCK, positions max + 1, + 2 ... in id
-- order, committed in increasing order with no gaps.

alter table realtime.changes rename to change_log;
alter index realtime.changes_pkey rename to change_log_pkey;

create table realtime.positions (
  position bigint primary key,
  change_id bigint not null
);
create table realtime.pending (
  change_id bigint not null
);
revoke all on realtime.positions, realtime.pending from public;

insert into realtime.positions (position, change_id)
  select l.position, l.id from realtime.change_log l where l.position is not null;
insert into realtime.pending (change_id)
  select l.id from realtime.change_log l where l.position is null;

drop index realtime.changes_position;
drop index realtime.changes_unsequenced;
alter table realtime.change_log drop column position;

create view realtime.changes as
  select p.position, l.id, l.table_oid, l.op, l.new_row, l.old_row, l.captured_at
    from realtime.positions p
    join realtime.change_log l on l.id = p.change_id;
revoke all on realtime.changes from public;

-- Capture: the images into the log and their ids into pending, in one statement.
create or replace function realtime.capture_insert() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
  as $$
begin
  with logged as (
    insert into realtime.change_log (table_oid, op, new_row) select tg_relid, 'I', to_jsonb(floe_rt_row.*) from realtime_new as floe_rt_row returning id
  )
  insert into realtime.pending (change_id) select id from logged;
  if pg_try_advisory_lock_shared(7261992016) then
    perform pg_advisory_unlock_shared(7261992016);
    perform pg_notify('floe_changes_capture', '');
  end if;
  return null;
end $$;

create or replace function realtime.capture_delete() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
  as $$
begin
  with logged as (
    insert into realtime.change_log (table_oid, op, old_row) select tg_relid, 'D', to_jsonb(floe_rt_row.*) from realtime_old as floe_rt_row returning id
  )
  insert into realtime.pending (change_id) select id from logged;
  if pg_try_advisory_lock_shared(7261992016) then
    perform pg_advisory_unlock_shared(7261992016);
    perform pg_notify('floe_changes_capture', '');
  end if;
  return null;
end $$;

create or replace function realtime.capture_update() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
  as $$
begin
  with logged as (
    insert into realtime.change_log (table_oid, op, new_row, old_row) values (tg_relid, 'U', to_jsonb(new), to_jsonb(old)) returning id
  )
  insert into realtime.pending (change_id) select id from logged;
  return null;
end $$;

-- SEQUENCER_LOCK (7261992017) as in 0017. The picked ids are the smallest pending ones, so the
-- changes of one transaction keep their order even when a batch splits them.
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
     where q.change_id in (select x.change_id from realtime.pending x order by x.change_id limit batch)
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

-- Retention, as in 0017: sequenced changes captured more than `keep` ago, at most `lim` at a time.
create or replace function realtime.prune_changes(keep interval, lim int) returns int
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
declare
  bound bigint;
  floor_ bigint;
  done int;
begin
  perform pg_advisory_xact_lock(7261992017);
  select s.pruned_through into floor_ from realtime.feed_state s;
  -- Walks the positions from the oldest to the first change to keep.
  select p.position - 1 into bound
    from realtime.positions p join realtime.change_log l on l.id = p.change_id
   where l.captured_at >= now() - keep order by p.position limit 1;
  if bound is null then
    select max(p.position) into bound from realtime.positions p;
  end if;
  bound := least(bound, floor_ + lim);
  if bound is null or bound <= floor_ then
    return 0;
  end if;
  with gone as (
    delete from realtime.positions p where p.position <= bound returning p.change_id
  )
  delete from realtime.change_log l using gone where l.id = gone.change_id;
  get diagnostics done = row_count;
  update realtime.feed_state set pruned_through = bound;
  return done;
end $$;

create or replace function realtime.head_position() returns table (head bigint, pruned_through bigint)
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select greatest(coalesce((select max(p.position) from realtime.positions p), 0), s.pruned_through), s.pruned_through
      from realtime.feed_state s
  $$;

revoke all on function realtime.sequence_changes(int), realtime.prune_changes(interval, int) from public;
