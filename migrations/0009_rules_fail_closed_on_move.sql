-- Row-level rules fail closed for a table MOVED into an exposed schema too (ALTER TABLE … SET
-- SCHEMA): 0005 closes tables created there, but a table created in a private schema and then
-- moved in kept RLS off and was served at once.
--
-- Postgres reports every ALTER TABLE alike to an event trigger (SET SCHEMA, and also DISABLE ROW
-- LEVEL SECURITY, which must stay an admin's choice), so the trigger remembers the schema each
-- table was last seen in and acts only when an ALTER TABLE took a table from a schema that is not
-- exposed into one that is.
create table floe.table_schemas (
  relid       oid primary key,
  schema_name name not null
);
revoke all on floe.table_schemas from public;
insert into floe.table_schemas (relid, schema_name)
  select c.oid, n.nspname
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_toast%';

-- SECURITY DEFINER and a pinned search_path, as 0005's trigger: it runs for whoever issues the
-- DDL and acts only on objects Postgres reports (as regclass).
create or replace function floe.close_tables_moved_in() returns event_trigger
  language plpgsql
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  cmd record;
  was name;
begin
  for cmd in
    select c.objid, c.schema_name, c.command_tag
      from pg_event_trigger_ddl_commands() c
     where c.object_type in ('table', 'partitioned table')
  loop
    select t.schema_name into was from floe.table_schemas t where t.relid = cmd.objid;
    -- Recorded first: the ALTER below fires this trigger again, and must then find nothing moved.
    insert into floe.table_schemas (relid, schema_name) values (cmd.objid, cmd.schema_name)
      on conflict (relid) do update set schema_name = excluded.schema_name;
    if cmd.command_tag = 'ALTER TABLE'
       and was is distinct from cmd.schema_name
       and cmd.schema_name in (select name from floe.exposed_schemas)
       and (was is null or was not in (select name from floe.exposed_schemas)) then
      execute format('alter table %s enable row level security', cmd.objid::regclass);
    end if;
  end loop;
end
$$;
grant execute on function floe.close_tables_moved_in() to public;

do $$
begin
  if not (select rolsuper from pg_roles where rolname = current_user) then
    raise notice 'Floe: role % is not a superuser, so the event trigger that enables row-level security on tables moved into an exposed schema was not created', current_user;
    return;
  end if;
  create event trigger floe_close_tables_moved_in on ddl_command_end
    when tag in ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE')
    execute function floe.close_tables_moved_in();
end
$$;
