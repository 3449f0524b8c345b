-- Realtime, postgres_changes (issue 16): a change log filled by triggers, put in commit order by
-- one sequencer, and checked against the tables' select rules in batches, inside Postgres.
--
-- Capture. Triggers, not logical decoding: this works on the embedded Postgres and on any user
-- Postgres 14+ without touching wal_level or replication slots. A table takes part only once an
-- admin turns it on (realtime.enable_table, or PUT /admin/v1/realtime/tables/<schema>.<table>),
-- which attaches four triggers:
--   * AFTER INSERT and AFTER DELETE, FOR EACH STATEMENT with a transition table: a bulk write
--     costs one INSERT ... SELECT into the log, not one trigger call per row;
--   * AFTER UPDATE FOR EACH ROW (transition tables cannot pair an old row with its new one when
--     the key changes), and an AFTER UPDATE statement trigger that only wakes the sequencer.
-- Each writes the row images as jsonb with the relation's oid and the transaction's timestamp.
-- The wake-up is one NOTIFY per statement (Postgres folds identical payloads of a transaction),
-- skipped while a sequencer is busy polling (it holds SEQUENCER_BUSY_LOCK on its LISTEN session,
-- as the outbox relay does in 0008): a NOTIFY serializes the commits of notifying transactions.
--
-- Order. A row's id is taken when it is written, but transactions commit in another order. The
-- sequencer (server/src/realtime/changes/sequencer.ts) gives committed rows that have none a
-- `position`: max(position) + 1, + 2 ... in id order, under a transaction advisory lock, so
-- positions are committed in increasing order with no gaps, whichever replica (or how many at
-- once) runs it. A reader that has seen position p has therefore seen every position below p.
-- It then NOTIFYs `floe_changes` with the last position, and every replica's feed reads on.
--
-- Rules. realtime.check_changes reads a batch after a position and, for each subscriber group
-- (role + JWT claims) and table in it, evaluates that role's select policies on both row images
-- AS that role with those claims, with the filters the group's subscriptions asked for, in one
-- statement: one round trip per batch, whatever the number of groups.

create schema if not exists realtime;

create table realtime.changes (
  id bigint generated always as identity primary key,
  -- Commit order, set by realtime.sequence_changes; null until then.
  position bigint,
  -- The relation the trigger fired on (a partition for a row-level trigger on a partitioned
  -- table: readers resolve it to the partitioned table).
  table_oid oid not null,
  op "char" not null check (op in ('I', 'U', 'D')),
  new_row jsonb,
  old_row jsonb,
  captured_at timestamptz not null default now()
);
create unique index changes_position on realtime.changes (position) where position is not null;
-- The sequencer's work list: small, since a row leaves it as soon as it has a position.
create index changes_unsequenced on realtime.changes (id) where position is null;
revoke all on realtime.changes from public;

-- The largest position deleted by retention: a resume from below it may have missed changes.
create table realtime.feed_state (
  singleton boolean primary key default true check (singleton),
  pruned_through bigint not null default 0
);
insert into realtime.feed_state default values;
revoke all on realtime.feed_state from public;

-- SEQUENCER_BUSY_LOCK (7261992016): held by a busy sequencer on its LISTEN session; the capture
-- triggers only test it (shared, released at once, never waiting). The test is written out in
-- each trigger function rather than called: a nested call costs a trigger a few microseconds.
-- SECURITY DEFINER: the triggers run as whoever writes the table (anon, authenticated ... through
-- the data API), and they may not read or write the log. Nothing of the writer's reaches a
-- statement but the row images, as values.
create or replace function realtime.capture_insert() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
  as $$
begin
  insert into realtime.changes (table_oid, op, new_row) select tg_relid, 'I', to_jsonb(floe_rt_row.*) from realtime_new as floe_rt_row;
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
  insert into realtime.changes (table_oid, op, old_row) select tg_relid, 'D', to_jsonb(floe_rt_row.*) from realtime_old as floe_rt_row;
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
  insert into realtime.changes (table_oid, op, new_row, old_row) values (tg_relid, 'U', to_jsonb(new), to_jsonb(old));
  return null;
end $$;

create or replace function realtime.capture_update_done() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
  as $$
begin
  if pg_try_advisory_lock_shared(7261992016) then
    perform pg_advisory_unlock_shared(7261992016);
    perform pg_notify('floe_changes_capture', '');
  end if;
  return null;
end $$;

-- The tables taking part: those carrying the capture triggers (like Supabase's publication), so
-- the list cannot drift from what is captured, and survives a dump and restore.
create or replace view realtime.enabled_tables as
  select c.oid::regclass as relid, n.nspname as schema_name, c.relname as table_name
    from pg_trigger t
    join pg_class c on c.oid = t.tgrelid
    join pg_namespace n on n.oid = c.relnamespace
   where t.tgname = 'floe_realtime_insert' and not c.relispartition;
revoke all on realtime.enabled_tables from public;

create or replace function realtime.enable_table(target regclass) returns void
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
declare
  rel record;
begin
  select c.relkind, c.relispartition into rel from pg_class c where c.oid = target;
  if rel.relkind not in ('r', 'p') then
    raise exception 'realtime: % is not a table', target using errcode = '42809';
  end if;
  if rel.relispartition then
    raise exception 'realtime: % is a partition', target using errcode = '42809', hint = 'Turn realtime on for the partitioned table';
  end if;
  -- A DELETE, or a row moving out of a subscriber's sight, is told by its key alone.
  if not exists (select 1 from pg_index i where i.indrelid = target and i.indisprimary) then
    raise exception 'realtime: % has no primary key', target using errcode = '55000', hint = 'Realtime tells deletes by their primary key: add one';
  end if;
  if exists (select 1 from pg_trigger t where t.tgrelid = target and t.tgname = 'floe_realtime_insert') then
    return;
  end if;
  execute format('create trigger floe_realtime_insert after insert on %s referencing new table as realtime_new for each statement execute function realtime.capture_insert()', target);
  execute format('create trigger floe_realtime_delete after delete on %s referencing old table as realtime_old for each statement execute function realtime.capture_delete()', target);
  execute format('create trigger floe_realtime_update after update on %s for each row execute function realtime.capture_update()', target);
  execute format('create trigger floe_realtime_update_done after update on %s for each statement execute function realtime.capture_update_done()', target);
end $$;

create or replace function realtime.disable_table(target regclass) returns void
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
begin
  execute format('drop trigger if exists floe_realtime_insert on %s', target);
  execute format('drop trigger if exists floe_realtime_delete on %s', target);
  execute format('drop trigger if exists floe_realtime_update on %s', target);
  execute format('drop trigger if exists floe_realtime_update_done on %s', target);
end $$;
revoke all on function realtime.enable_table(regclass), realtime.disable_table(regclass) from public;

-- SEQUENCER_LOCK (7261992017), a transaction lock: one sequencing (or pruning) transaction at a
-- time, so positions commit in increasing order even if two replicas sequence at once.
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
  select coalesce((select max(c.position) from realtime.changes c where c.position is not null),
                  (select s.pruned_through from realtime.feed_state s)) into base;
  with picked as (
    select c.id, row_number() over (order by c.id) as rn
      from (select c.id from realtime.changes c where c.position is null order by c.id limit batch) c
  )
  update realtime.changes c set position = base + p.rn from picked p where c.id = p.id;
  get diagnostics done = row_count;
  top := base + done;
  if done > 0 then
    perform pg_notify('floe_changes', top::text);
  end if;
  return query select done, top;
end $$;

-- Retention: deletes sequenced rows captured more than `keep` ago, at most `lim` at a time.
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
  -- Walks the position index from the oldest row to the first one to keep.
  select c.position - 1 into bound from realtime.changes c
   where c.position is not null and c.captured_at >= now() - keep order by c.position limit 1;
  if bound is null then
    select max(c.position) into bound from realtime.changes c where c.position is not null;
  end if;
  bound := least(bound, floor_ + lim);
  if bound is null or bound <= floor_ then
    return 0;
  end if;
  delete from realtime.changes c where c.position is not null and c.position <= bound;
  get diagnostics done = row_count;
  update realtime.feed_state set pruned_through = bound;
  return done;
end $$;

-- The last committed position (0 for an empty log).
create or replace function realtime.head_position() returns table (head bigint, pruned_through bigint)
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select greatest(coalesce((select max(c.position) from realtime.changes c where c.position is not null), 0), s.pruned_through), s.pruned_through
      from realtime.feed_state s
  $$;

-- A role's select rules on a table as one SQL boolean expression over that table's columns:
-- 'false' without the privilege, 'true' where RLS is off or the role bypasses it, else the
-- permissive policies OR-ed and the restrictive ones AND-ed, as Postgres combines them. The
-- text is the policies' own, read back from the catalog (with search_path pinned, pg_get_expr
-- qualifies every name), never anything from a client.
create or replace function realtime.visibility_expression(target oid, role_name text) returns text
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    with t as (
      select c.oid, c.relnamespace, c.relrowsecurity from pg_class c where c.oid = target
    ), p as (
      select pg_get_expr(p.polqual, p.polrelid) as expr, p.polpermissive as permissive
        from pg_policy p, t
       where p.polrelid = t.oid and p.polcmd in ('r', '*') and p.polqual is not null
         and (p.polroles @> '{0}' or exists (select 1 from unnest(p.polroles) r where pg_has_role(role_name, r, 'member')))
    )
    select case
      when not has_schema_privilege(role_name, t.relnamespace, 'USAGE') or not has_any_column_privilege(role_name, t.oid, 'SELECT') then 'false'
      when not t.relrowsecurity or coalesce((select r.rolbypassrls or r.rolsuper from pg_roles r where r.rolname = role_name), false) then 'true'
      else coalesce('(' || (select string_agg('coalesce((' || p.expr || '), false)', ' or ') from p where p.permissive) || ')', 'false')
           || coalesce(' and ' || (select string_agg('coalesce((' || p.expr || '), false)', ' and ') from p where not p.permissive), '')
    end
    from t
  $$;

-- One filter of a subscription (`column=op.value`) as an SQL predicate: the column an identifier,
-- the values literals that Postgres coerces to the column's type (type-aware comparison).
create or replace function realtime.filter_predicate(col text, op text, vals jsonb) returns text
  language sql immutable
  set search_path = pg_catalog, pg_temp
  as $$
    select case op
      when 'eq' then format('%I = %L', col, vals ->> 0)
      when 'neq' then format('%I <> %L', col, vals ->> 0)
      when 'lt' then format('%I < %L', col, vals ->> 0)
      when 'lte' then format('%I <= %L', col, vals ->> 0)
      when 'gt' then format('%I > %L', col, vals ->> 0)
      when 'gte' then format('%I >= %L', col, vals ->> 0)
      when 'in' then format('%I in (%s)', col, (select string_agg(format('%L', v), ', ') from jsonb_array_elements_text(vals) v))
    end
  $$;

-- Checks one subscription spec for a role: null when fine, else the reason to refuse it.
create or replace function realtime.check_spec(role_name text, schema_name text, table_name text, col text, op text, vals jsonb)
  returns text
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
declare
  rel oid;
  att record;
  pred text;
begin
  if not exists (select 1 from pg_roles where rolname = role_name) then
    return format('unknown role %s', role_name);
  end if;
  if schema_name <> '*' and not exists (select 1 from pg_namespace where nspname = schema_name) then
    return format('unknown schema %s', schema_name);
  end if;
  if table_name is null then
    return null;
  end if;
  select c.oid into rel from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = schema_name and c.relname = table_name and c.relkind in ('r', 'p');
  if rel is null then
    return format('unknown table %s.%s', schema_name, table_name);
  end if;
  if not exists (select 1 from realtime.enabled_tables e where e.relid = rel) then
    return format('table %s.%s is not enabled for realtime', schema_name, table_name);
  end if;
  if not has_schema_privilege(role_name, schema_name, 'USAGE') or not has_any_column_privilege(role_name, rel, 'SELECT') then
    return format('role %s may not select from %s.%s', role_name, schema_name, table_name);
  end if;
  if col is null then
    return null;
  end if;
  select a.attnum, format_type(a.atttypid, a.atttypmod) as type into att
    from pg_attribute a where a.attrelid = rel and a.attname = col and a.attnum > 0 and not a.attisdropped;
  if att.attnum is null then
    return format('unknown column %s in %s.%s', col, schema_name, table_name);
  end if;
  if not has_column_privilege(role_name, rel, att.attnum, 'SELECT') then
    return format('role %s may not select column %s of %s.%s', role_name, col, schema_name, table_name);
  end if;
  -- The predicate on a typed null: a value the column's type rejects, or a type without the
  -- operator, fails here rather than in every batch.
  pred := realtime.filter_predicate(col, op, vals);
  begin
    execute format('select %s from (select null::%s as %I) as x', pred, att.type, col);
  exception when others then
    return format('invalid filter on %s: %s', col, sqlerrm);
  end;
  return null;
end $$;

-- The batched check. Reads the sequenced changes after `after` (up to `upto` when given, at most
-- `max_rows`) and returns:
--   * kind 'change': one row per change (position, table, op, images, time);
--   * kind 'table': per (role, table) of the batch, what that role may see of the table (info:
--     schema, table, primary key, the columns it may select with their type names);
--   * kind 'seen': per (change, group) where the group sees either image: new_ok / old_ok (the
--     rules on the new / old row), new_units / old_units (the group's units whose filter matches
--     that image, among those whose image is visible).
-- groups: [{"role": "...", "claims": "<json text>"}]; units: [{"g": <group index>, "s": schema
-- or "*", "t": table or null, "c": column, "o": op, "v": [values]}] (c/o/v absent: no filter).
-- For each (group, table) it switches to the group's role and claims (transaction-local) and runs
-- ONE statement over the table's changes that evaluates the role's policies and the filters on
-- each image, given as jsonb_populate_record(null::<table>, image) aliased as the table.
create or replace function realtime.check_changes(after bigint, upto bigint, max_rows int, groups jsonb, units jsonb)
  returns table (kind text, pos bigint, grp int, new_ok boolean, old_ok boolean, new_units int[], old_units int[],
                 table_oid oid, op text, new_row jsonb, old_row jsonb, captured_at timestamptz, info jsonb)
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
declare
  b_pos bigint[];
  b_tab oid[];
  b_new jsonb[];
  b_old jsonb[];
  b_op text[];
  b_at timestamptz[];
  t record;
  g record;
  vis text;
  vis_by_role jsonb := '{}';
  filters text;
  q text;
begin
  select array_agg(c.position order by c.position), array_agg(c.rel order by c.position),
         array_agg(c.new_row order by c.position), array_agg(c.old_row order by c.position),
         array_agg(c.op::text order by c.position), array_agg(c.captured_at order by c.position)
    into b_pos, b_tab, b_new, b_old, b_op, b_at
    from (select x.position, coalesce(pg_partition_root(x.table_oid), x.table_oid) as rel, x.new_row, x.old_row, x.op, x.captured_at
            from realtime.changes x
           where x.position is not null and x.position > after and (upto is null or x.position <= upto)
           order by x.position limit max_rows) c;
  if b_pos is null then
    return;
  end if;
  return query
    select 'change'::text, x.p, null::int, null::boolean, null::boolean, null::int[], null::int[], x.t, x.o, x.n, x.od, x.at, null::jsonb
      from unnest(b_pos, b_tab, b_op, b_new, b_old, b_at) as x(p, t, o, n, od, at);

  for t in
    select distinct c.oid, n.nspname, c.relname
      from unnest(b_tab) u(oid) join pg_class c on c.oid = u.oid join pg_namespace n on n.oid = c.relnamespace
  loop
    for g in
      select (e.u ->> 'g')::int as gi, groups -> ((e.u ->> 'g')::int) ->> 'role' as role_name,
             groups -> ((e.u ->> 'g')::int) ->> 'claims' as claims,
             array_agg(e.o - 1 order by e.o) as unit_ids,
             -- A filter on a column the role may no longer select (its token changed) matches
             -- nothing: it would tell that column's values.
             array_agg(case when not e.u ? 'c' then 'true'
                            when not has_column_privilege(groups -> ((e.u ->> 'g')::int) ->> 'role', t.oid, e.u ->> 'c', 'SELECT') then 'false'
                            else realtime.filter_predicate(e.u ->> 'c', e.u ->> 'o', e.u -> 'v') end order by e.o) as preds
        from jsonb_array_elements(units) with ordinality e(u, o)
       where (e.u ->> 's' = '*' or e.u ->> 's' = t.nspname) and (e.u ->> 't' is null or e.u ->> 't' = t.relname)
       group by 1, 2, 3 order by 1
    loop
      if not vis_by_role ? g.role_name then
        vis_by_role := vis_by_role || jsonb_build_object(g.role_name, realtime.visibility_expression(t.oid, g.role_name));
        return query
          select 'table'::text, null::bigint, null::int, null::boolean, null::boolean, null::int[], null::int[], t.oid, null::text, null::jsonb, null::jsonb, null::timestamptz,
                 jsonb_build_object(
                   'role', g.role_name, 'schema', t.nspname, 'table', t.relname,
                   'pk', (select coalesce(jsonb_agg(a.attname order by array_position(i.indkey::int2[], a.attnum)), '[]')
                            from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
                           where i.indrelid = t.oid and i.indisprimary),
                   'columns', (select coalesce(jsonb_agg(jsonb_build_object('name', a.attname, 'type', ty.typname) order by a.attnum), '[]')
                                 from pg_attribute a join pg_type ty on ty.oid = a.atttypid
                                where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
                                  and has_column_privilege(g.role_name, t.oid, a.attnum, 'SELECT')));
      end if;
      vis := vis_by_role ->> g.role_name;
      continue when vis = 'false';
      -- Per image: [-1, matching unit ids...] when the rules let the group see it, else null.
      filters := coalesce((select string_agg(format(', case when (%s) then %s end', x.p, x.k), '' order by x.k) from unnest(g.preds, g.unit_ids) x(p, k)), '');
      q := format('select ''seen''::text, b.p, %s, b.na is not null, b.oa is not null, array_remove(b.na[2:], null), array_remove(b.oa[2:], null),
                          null::oid, null::text, null::jsonb, null::jsonb, null::timestamptz, null::jsonb
                     from (select floe_rt_p as p,
                                  case when floe_rt_n is not null then %s end as na,
                                  case when floe_rt_o is not null then %s end as oa
                             from unnest($1::bigint[], $2::jsonb[], $3::jsonb[]) as floe_rt(floe_rt_p, floe_rt_n, floe_rt_o)) b
                    where b.na is not null or b.oa is not null',
                  g.gi,
                  format('(select case when (%s) then array[-1%s] end from jsonb_populate_record(null::%I.%I, floe_rt_n) as %I)', vis, filters, t.nspname, t.relname, t.relname),
                  format('(select case when (%s) then array[-1%s] end from jsonb_populate_record(null::%I.%I, floe_rt_o) as %I)', vis, filters, t.nspname, t.relname, t.relname));
      perform set_config('role', g.role_name, true), set_config('request.jwt.claims', g.claims, true);
      return query execute q using
        (select array_agg(b_pos[i] order by i) from generate_subscripts(b_tab, 1) i where b_tab[i] = t.oid),
        (select array_agg(b_new[i] order by i) from generate_subscripts(b_tab, 1) i where b_tab[i] = t.oid),
        (select array_agg(b_old[i] order by i) from generate_subscripts(b_tab, 1) i where b_tab[i] = t.oid);
      perform set_config('role', 'none', true), set_config('request.jwt.claims', '', true);
    end loop;
    vis_by_role := '{}';
  end loop;
end $$;
revoke all on function realtime.check_changes(bigint, bigint, int, jsonb, jsonb), realtime.check_spec(text, text, text, text, text, jsonb),
  realtime.sequence_changes(int), realtime.prune_changes(interval, int) from public;
