-- Row-level rules fail closed (issue 5): every table created in an exposed schema gets row-level
-- security at once, whatever created it (Floe, raw SQL, a migration tool, an ORM), so it serves
-- nothing to anon or authenticated until an admin adds a rule. Turning RLS off afterwards is an
-- explicit admin act (POST /admin/v1/tables/:schema.:table/rls, logged).
--
-- Tables that exist before this migration are left as they are: changing them silently would
-- break running apps; GET /admin/v1/rules/warnings lists those with RLS off.

-- The exposed schemas are configuration (FLOE_DB_SCHEMAS), written here by the server at boot
-- (floe.set_exposed_schemas) so the event trigger can read them. `public` until the server says
-- otherwise, which is also the configuration's default.
create table floe.exposed_schemas (
  name text primary key
);
insert into floe.exposed_schemas (name) values ('public');
revoke all on floe.exposed_schemas from public;

create or replace function floe.set_exposed_schemas(names text[]) returns void
  language sql
  as $$
    delete from floe.exposed_schemas where name <> all (names);
    insert into floe.exposed_schemas (name) select distinct unnest(names) on conflict do nothing;
  $$;
revoke all on function floe.set_exposed_schemas(text[]) from public;

-- SECURITY DEFINER: the trigger runs for whoever issues the DDL, and they cannot read schema
-- `floe`. It acts only on the objects Postgres reports as just created (no input from the DDL's
-- author reaches a statement other than as a regclass), and search_path is pinned so nothing the
-- author created can shadow what it calls.
create or replace function floe.enable_rls_on_new_table() returns event_trigger
  language plpgsql
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  created record;
begin
  for created in
    select c.objid
      from pg_event_trigger_ddl_commands() c
     where c.object_type in ('table', 'partitioned table')
       and c.command_tag in ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO')
       and c.schema_name in (select name from floe.exposed_schemas)
  loop
    execute format('alter table %s enable row level security', created.objid::regclass);
  end loop;
end
$$;
grant execute on function floe.enable_rls_on_new_table() to public;

-- Creating an event trigger needs a superuser (as in 0003): an ordinary role still boots, is told
-- so, and new tables then rely on the warnings listing and explicit rules.
do $$
begin
  if not (select rolsuper from pg_roles where rolname = current_user) then
    raise notice 'Floe: role % is not a superuser, so the event trigger that enables row-level security on new tables was not created. New tables in exposed schemas are NOT closed by default: enable RLS on each (POST /admin/v1/tables/<schema>.<table>/rls) and check GET /admin/v1/rules/warnings', current_user;
    return;
  end if;
  create event trigger floe_enable_rls_on_create on ddl_command_end
    when tag in ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO')
    execute function floe.enable_rls_on_new_table();
end
$$;
