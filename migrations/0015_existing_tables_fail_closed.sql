-- Tables that existed before Floe (issue 15, item 14). Pointed at an existing database, Floe found
-- tables in `public` that no request role had a grant on: 0001's default privileges only cover
-- what Floe's own role creates afterwards, so even the service key got 42501 and nothing said why.
--
-- What Floe does with such a table (at every boot, for tables in exposed schemas that none of
-- anon, authenticated, service_role has any grant on, i.e. tables Floe has never taken in):
--   * row-level security is enabled, as the event trigger of 0005 does for new tables;
--   * service_role (BYPASSRLS) gets select, insert, update, delete: the service key reaches it;
--   * anon and authenticated get the same grants as on a new table, so with no rules they see no
--     rows and write nothing (fail-closed) and a rule added later takes effect at once;
--   * except where policies that would apply to anon or authenticated already exist (written
--     before Floe, for another purpose perhaps): then they get no grant, so those policies do not
--     silently open the table through Floe. The admin grants them once the policies are right;
--   * views, materialized views and foreign tables get service_role only: a view runs with its
--     owner's rights, past the rules of the tables it reads, so granting anon one would open it;
--   * sequences get usage and select for the three roles (as 0001's default privileges), so a
--     serial column works once an insert rule exists;
--   * objects that belong to an extension (PostGIS' spatial_ref_sys, ...) are left alone.
-- Tables that already carry a grant to one of the roles (created by Floe's role after 0001, or a
-- database coming from Supabase) are left exactly as they are: Floe serves them already.
--
-- The server calls this at boot after writing the exposed schemas (they are configuration: a
-- schema exposed later is taken in at the next boot) and logs what it did.
create or replace function floe.adopt_existing_tables()
  returns table (schema_name name, object_name name, relkind "char", outcome text, detail text)
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
declare
  r record;
  request_roles oid[] := array(select oid from pg_roles where rolname in ('anon', 'authenticated', 'service_role'));
  -- Policies for PUBLIC (role oid 0), anon or authenticated; service_role bypasses them anyway.
  rule_roles oid[] := array(select oid from pg_roles where rolname in ('anon', 'authenticated')) || 0::oid;
  has_policies boolean;
begin
  -- Two processes booting at once take turns (the key is migrate.ts' migration lock): concurrent
  -- GRANTs on one table fail with "tuple concurrently updated".
  perform pg_advisory_xact_lock(7261992001);
  for r in
    select c.oid, c.relkind, n.nspname, c.relname, c.relrowsecurity
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in (select name from floe.exposed_schemas)
       and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
       and not exists (select 1 from aclexplode(c.relacl) a where a.grantee = any (request_roles))
       and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
     order by n.nspname, c.relname
  loop
    schema_name := r.nspname;
    object_name := r.relname;
    relkind := r.relkind;
    detail := null;
    begin
      if r.relkind in ('r', 'p') then
        has_policies := exists (select 1 from pg_policy p where p.polrelid = r.oid and p.polroles && rule_roles);
        -- RLS first: the grants below must never meet a table that is still open.
        if not r.relrowsecurity then
          execute format('alter table %s enable row level security', r.oid::regclass);
        end if;
        execute format('grant select, insert, update, delete on %s to service_role', r.oid::regclass);
        if has_policies then
          outcome := 'policies_kept';
        else
          execute format('grant select, insert, update, delete on %s to anon, authenticated', r.oid::regclass);
          outcome := case when r.relrowsecurity then 'closed' else 'rls_enabled' end;
        end if;
      elsif r.relkind = 'S' then
        execute format('grant usage, select on sequence %s to anon, authenticated, service_role', r.oid::regclass);
        outcome := 'sequence';
      else
        execute format('grant select, insert, update, delete on %s to service_role', r.oid::regclass);
        outcome := 'service_role_only';
      end if;
    exception when insufficient_privilege then
      -- Floe's role neither owns it nor is a superuser: nothing was changed; the log says what to run.
      outcome := 'not_permitted';
      detail := pg_get_userbyid((select c.relowner from pg_class c where c.oid = r.oid));
    end;
    return next;
  end loop;
end
$$;
revoke all on function floe.adopt_existing_tables() from public;

-- Tables created later by a role other than Floe's (a migration tool, an ORM, psql as another
-- user) get no grant from 0001's default privileges, which only cover what Floe's own role
-- creates: the service key met 42501 on them too. The event trigger of 0005 now grants what
-- those default privileges would have, next to enabling RLS, so every new table in an exposed
-- schema behaves alike whoever created it. Same SECURITY DEFINER reasoning as in 0005.
create or replace function floe.enable_rls_on_new_table() returns event_trigger
  language plpgsql
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  created record;
begin
  for created in
    select c.objid, c.object_type
      from pg_event_trigger_ddl_commands() c
     where (c.object_type in ('table', 'partitioned table') and c.command_tag in ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO')
            -- a serial column's sequence, reported as a CREATE SEQUENCE within the CREATE TABLE
            or c.object_type = 'sequence' and c.command_tag = 'CREATE SEQUENCE')
       and c.schema_name in (select name from floe.exposed_schemas)
  loop
    if created.object_type = 'sequence' then
      execute format('grant usage, select on sequence %s to anon, authenticated, service_role', created.objid::regclass);
    else
      execute format('alter table %s enable row level security', created.objid::regclass);
      execute format('grant select, insert, update, delete on %s to anon, authenticated, service_role', created.objid::regclass);
    end if;
  end loop;
end
$$;
