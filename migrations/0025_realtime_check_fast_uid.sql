-- Faster rule checks for realtime fan-out and for every policy that reads auth.uid() (issue 16:
-- 1,000 subscribers in 1,000 users at 100 changes/s).
--
-- Measured on the check of 0019 for 1,000 claims groups under `owner_id = auth.uid()`:
-- 5 changes 55 ms, 20 changes 130 ms, 100 changes 515 ms, i.e. ~5 µs per (group, image) on top
-- of ~30 µs per group. Of those 5 µs, auth.uid() took ~3 (it parses the claims' JSON twice and
-- runs a regex, on every row it is evaluated for) and jsonb_populate_record ~1 (each image was
-- made a row again for every group). Here:
--
--   * auth.uid() has a fast path: when `floe.uid_claims` holds exactly the text of
--     `request.jwt.claims`, the uid is `floe.uid`, computed once by whoever set the claims (the
--     server for a request, the realtime check for a group). Any other claims (set by hand in SQL,
--     by the admin SQL runner, changed inside a function) no longer match and take the old path,
--     so the answer is always the one the claims give. ~0.2 µs instead of ~3 per evaluation.
--   * the compiled rules of a (table, role) turn the batch's images into rows of the table once,
--     then run the rules over those rows for each group: no JSON per group.
--
-- The same three checks: 5 changes 28 ms, 20 changes 35 ms, 100 changes 69 ms.

create or replace function auth.uid() returns uuid
  language sql stable
  as $$
    select case
      when current_setting('request.jwt.claims', true) = current_setting('floe.uid_claims', true)
        then nullif(current_setting('floe.uid', true), '')::uuid
      when (auth.jwt() ->> 'sub') ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        then (auth.jwt() ->> 'sub')::uuid
    end
  $$;

-- Rules compiled by 0019 take the images as JSON per group; they are made again on first use.
do $$
declare
  compiled regprocedure;
begin
  for compiled in
    select p.oid::regprocedure from pg_proc p
     where p.pronamespace = 'realtime'::regnamespace and starts_with(p.proname, 'floe_rt_vis_')
  loop
    execute format('drop function if exists %s', compiled);
  end loop;
end $$;

-- As in 0019 (same name scheme, so disable_table still drops it), with a new body:
--   * the images of the batch become rows of the table once (rows_new / rows_old) and the rules run
--     over `unnest(index, rows) as <table>(floe_rt_i)`: the table's columns under its own name,
--     the image's index beside them;
--   * `#variable_conflict use_column`: a column named like one of the function's variables or
--     results (g, i, ...) is the column in the rules;
--   * per group: claims, floe.uid and floe.uid_claims (the fast path of auth.uid()); a group sent
--     without a uid (an older server) gets floe.uid_claims '' and so the slow path.
create or replace function realtime.visibility_function(target oid, role_name text, vis text) returns text
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
declare
  prefix text := format('floe_rt_vis_%s_%s_', target, left(md5(role_name), 8));
  fname text := prefix || left(md5('0025:' || vis), 16);
  nsp text;
  rel text;
  older regprocedure;
begin
  if to_regprocedure(format('realtime.%I(jsonb[], jsonb[], int[], text[], text[])', fname)) is not null then
    return fname;
  end if;
  select n.nspname, c.relname into nsp, rel from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = target;
  begin
    execute format(
      $f$create function realtime.%1$I(news jsonb[], olds jsonb[], gis int[], claims text[], uids text[])
           returns table (g int, i int, new_ok boolean, old_ok boolean)
           language plpgsql
           set search_path = pg_catalog, pg_temp
           as $floe_rt_body$
           #variable_conflict use_column
           declare
             floe_rt_c record;
             floe_rt_rn %2$I.%3$I[];
             floe_rt_ni int[];
             floe_rt_ro %2$I.%3$I[];
             floe_rt_oi int[];
           begin
             select array_agg(jsonb_populate_record(null::%2$I.%3$I, x.img) order by x.k), array_agg(x.k::int order by x.k)
               into floe_rt_rn, floe_rt_ni
               from unnest(news) with ordinality as x(img, k) where x.img is not null;
             select array_agg(jsonb_populate_record(null::%2$I.%3$I, x.img) order by x.k), array_agg(x.k::int order by x.k)
               into floe_rt_ro, floe_rt_oi
               from unnest(olds) with ordinality as x(img, k) where x.img is not null;
             for floe_rt_c in select * from unnest(gis, claims, uids) as u(gi, cl, uid) loop
               perform set_config('request.jwt.claims', floe_rt_c.cl, true),
                       set_config('floe.uid', coalesce(floe_rt_c.uid, ''), true),
                       set_config('floe.uid_claims', case when floe_rt_c.uid is null then '' else floe_rt_c.cl end, true);
               if floe_rt_ro is null then
                 return query
                   select floe_rt_c.gi, %3$I.floe_rt_i, true, false
                     from unnest(floe_rt_ni, floe_rt_rn) as %3$I(floe_rt_i) where coalesce((%4$s), false);
               elsif floe_rt_rn is null then
                 return query
                   select floe_rt_c.gi, %3$I.floe_rt_i, false, true
                     from unnest(floe_rt_oi, floe_rt_ro) as %3$I(floe_rt_i) where coalesce((%4$s), false);
               else
                 return query
                   select floe_rt_c.gi, v.floe_rt_i, bool_or(v.floe_rt_new), bool_or(not v.floe_rt_new)
                     from (select %3$I.floe_rt_i, true as floe_rt_new
                             from unnest(floe_rt_ni, floe_rt_rn) as %3$I(floe_rt_i) where coalesce((%4$s), false)
                           union all
                           select %3$I.floe_rt_i, false
                             from unnest(floe_rt_oi, floe_rt_ro) as %3$I(floe_rt_i) where coalesce((%4$s), false)) v
                    group by v.floe_rt_i;
               end if;
             end loop;
             perform set_config('request.jwt.claims', '', true), set_config('floe.uid_claims', '', true), set_config('floe.uid', '', true);
           end $floe_rt_body$ $f$,
      fname, nsp, rel, vis);
    execute format('revoke all on function realtime.%I(jsonb[], jsonb[], int[], text[], text[]) from public', fname);
    execute format('grant execute on function realtime.%I(jsonb[], jsonb[], int[], text[], text[]) to %I', fname, role_name);
  exception when duplicate_function or unique_violation then
    -- Another replica created it at the same moment.
    null;
  end;
  for older in
    select p.oid::regprocedure from pg_proc p
     where p.pronamespace = 'realtime'::regnamespace and starts_with(p.proname, prefix) and p.proname <> fname
  loop
    execute format('drop function if exists %s', older);
  end loop;
  return fname;
end $$;
revoke all on function realtime.visibility_function(oid, text, text) from public;

-- 0019's check, passing each group's uid (the `uid` of its entry in `groups`) to the compiled rules.
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
  g_role text[];
  g_claims text[];
  g_uid text[];
  u_g int[];
  u_s text[];
  u_t text[];
  u_c text[];
  u_o text[];
  u_v jsonb[];
  t_pos bigint[];
  t_new jsonb[];
  t_old jsonb[];
  -- This table's units: index in `units` (1-based), group, predicate ('true', 'false' or SQL).
  tu_k int[];
  tu_g int[];
  tu_p text[];
  -- Filter matches: side ('n' new, 'o' old), image index, unit index.
  f_side text[];
  f_i int[];
  f_k int[];
  -- Visible images: group, image index, new visible, old visible.
  r_g int[];
  r_i int[];
  r_n boolean[];
  r_o boolean[];
  a_g int[];
  a_i int[];
  a_n boolean[];
  a_o boolean[];
  t record;
  g record;
  vis text;
  fname text;
  cases text;
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

  -- The lists, out of their jsonb once (group i of the caller is g_role[i + 1]).
  select array_agg(e.v ->> 'role' order by e.o), array_agg(e.v ->> 'claims' order by e.o), array_agg(e.v ->> 'uid' order by e.o)
    into g_role, g_claims, g_uid
    from jsonb_array_elements(groups) with ordinality e(v, o);
  select array_agg((e.u ->> 'g')::int order by e.o), array_agg(e.u ->> 's' order by e.o), array_agg(e.u ->> 't' order by e.o),
         array_agg(e.u ->> 'c' order by e.o), array_agg(e.u ->> 'o' order by e.o), array_agg(e.u -> 'v' order by e.o)
    into u_g, u_s, u_t, u_c, u_o, u_v
    from jsonb_array_elements(units) with ordinality e(u, o);

  for t in
    select distinct c.oid, n.nspname, c.relname
      from unnest(b_tab) u(oid) join pg_class c on c.oid = u.oid join pg_namespace n on n.oid = c.relnamespace
  loop
    select array_agg(x.p order by x.i), array_agg(x.n order by x.i), array_agg(x.od order by x.i)
      into t_pos, t_new, t_old
      from unnest(b_pos, b_tab, b_new, b_old) with ordinality as x(p, tb, n, od, i)
     where x.tb = t.oid;
    select array_agg(x.k order by x.k), array_agg(x.gi order by x.k),
           -- A filter on a column the role may no longer select (its token changed) matches
           -- nothing: it would tell that column's values.
           array_agg(case when x.c is null then 'true'
                          when not has_column_privilege(g_role[x.gi + 1], t.oid, x.c, 'SELECT') then 'false'
                          else realtime.filter_predicate(x.c, x.o, x.v) end order by x.k)
      into tu_k, tu_g, tu_p
      from unnest(u_g, u_s, u_t, u_c, u_o, u_v) with ordinality as x(gi, s, tn, c, o, v, k)
     where (x.s = '*' or x.s = t.nspname) and (x.tn is null or x.tn = t.relname);
    continue when tu_k is null;

    -- Every filter of every group, once per image side: the images each matches.
    f_side := '{}';
    f_i := '{}';
    f_k := '{}';
    select string_agg(format('coalesce(case when (%s) then %L::int[] end, ''{}'')', p.pred, p.ks), ' || ')
      into cases
      from (select x.p as pred, array_agg(x.k order by x.k)::text as ks
              from unnest(tu_k, tu_p) x(k, p) where x.p not in ('true', 'false') group by x.p) p;
    if cases is not null then
      execute format(
        'select array_agg(m.s), array_agg(m.i), array_agg(m.k) from (
           select ''n''::text as s, x.i::int as i, k.k from unnest($1::jsonb[]) with ordinality x(floe_rt_n, i)
             cross join lateral jsonb_populate_record(null::%1$I.%2$I, x.floe_rt_n) as %2$I
             cross join lateral unnest(%3$s) k(k) where x.floe_rt_n is not null
           union all
           select ''o'', x.i::int, k.k from unnest($2::jsonb[]) with ordinality x(floe_rt_o, i)
             cross join lateral jsonb_populate_record(null::%1$I.%2$I, x.floe_rt_o) as %2$I
             cross join lateral unnest(%3$s) k(k) where x.floe_rt_o is not null) m',
        t.nspname, t.relname, '''{}''::int[] || ' || cases)
        into f_side, f_i, f_k using t_new, t_old;
    end if;

    -- The rules, per group: which images it may see.
    r_g := '{}';
    r_i := '{}';
    r_n := '{}';
    r_o := '{}';
    for g in
      select x.role_name, array_agg(x.gi order by x.gi) as gis, array_agg(g_claims[x.gi + 1] order by x.gi) as claims,
             array_agg(g_uid[x.gi + 1] order by x.gi) as uids
        from (select distinct u.gi, g_role[u.gi + 1] as role_name from unnest(tu_g) u(gi)) x
       group by x.role_name order by x.role_name
    loop
      vis := realtime.visibility_expression(t.oid, g.role_name);
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
      continue when vis = 'false';
      if vis = 'true' then
        -- Rules that do not read the caller (RLS off, a role bypassing it): every image, every group.
        select array_agg(gg.gi), array_agg(x.i::int), array_agg(x.n is not null), array_agg(x.o is not null)
          into a_g, a_i, a_n, a_o
          from unnest(g.gis) gg(gi), unnest(t_new, t_old) with ordinality x(n, o, i);
      else
        -- One call per role: the compiled rules, run for each group's claims in turn.
        fname := realtime.visibility_function(t.oid, g.role_name, vis);
        perform set_config('role', g.role_name, true);
        execute format('select array_agg(v.g), array_agg(v.i), array_agg(v.new_ok), array_agg(v.old_ok) from realtime.%I($1, $2, $3, $4, $5) v', fname)
          into a_g, a_i, a_n, a_o using t_new, t_old, g.gis, g.claims, g.uids;
        perform set_config('role', 'none', true), set_config('request.jwt.claims', '', true),
                set_config('floe.uid_claims', '', true), set_config('floe.uid', '', true);
      end if;
      if a_i is not null then
        r_g := r_g || a_g;
        r_i := r_i || a_i;
        r_n := r_n || a_n;
        r_o := r_o || a_o;
      end if;
    end loop;

    -- Per visible (group, image): the group's units on this table that match it.
    return query
      select 'seen'::text, t_pos[v.i], v.g, v.n, v.o,
             case when v.n then array(
               select u.k - 1 from unnest(tu_k, tu_g, tu_p) u(k, g, p)
                where u.g = v.g and (u.p = 'true' or (u.p <> 'false' and exists (
                        select 1 from unnest(f_side, f_i, f_k) f(s, i, k) where f.s = 'n' and f.i = v.i and f.k = u.k)))
                order by u.k) end,
             case when v.o then array(
               select u.k - 1 from unnest(tu_k, tu_g, tu_p) u(k, g, p)
                where u.g = v.g and (u.p = 'true' or (u.p <> 'false' and exists (
                        select 1 from unnest(f_side, f_i, f_k) f(s, i, k) where f.s = 'o' and f.i = v.i and f.k = u.k)))
                order by u.k) end,
             null::oid, null::text, null::jsonb, null::jsonb, null::timestamptz, null::jsonb
        from unnest(r_g, r_i, r_n, r_o) v(g, i, n, o)
       where v.n or v.o;
  end loop;
end $$;
revoke all on function realtime.check_changes(bigint, bigint, int, jsonb, jsonb) from public;
