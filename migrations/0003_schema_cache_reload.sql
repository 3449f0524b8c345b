-- Live reload of the data API's schema cache: any DDL in this database notifies channel `floe`
-- with 'reload schema', the message `NOTIFY floe, 'reload schema'` also sends by hand. NOTIFY is
-- per database and reaches every listening session, so every Floe process serving this database
-- reloads. Postgres folds identical notifications of one transaction into one, so a migration
-- run in a transaction costs one reload; the server debounces the rest.
--
-- Creating an event trigger needs a superuser. A server connecting as an ordinary role still
-- boots: it is told so in a notice, and reloads on the manual NOTIFY only.

create or replace function floe.notify_schema_reload() returns event_trigger
  language plpgsql
  as $$
begin
  -- Temporary objects never reach the cache: a session's scratch table must not reload every
  -- process. An event with no object rows at all still notifies, to be safe.
  if tg_event = 'sql_drop' then
    if exists (select 1 from pg_event_trigger_dropped_objects()) and
       not exists (select 1 from pg_event_trigger_dropped_objects() where not is_temporary) then
      return;
    end if;
  elsif tg_tag like 'DROP %' then
    -- drops report no commands here: the sql_drop event above has decided for them
    return;
  elsif exists (select 1 from pg_event_trigger_ddl_commands()) and
        not exists (select 1 from pg_event_trigger_ddl_commands()
                    where schema_name is null or schema_name not like 'pg\_temp%') then
    return;
  end if;
  perform pg_notify('floe', 'reload schema');
end
$$;

-- The trigger runs as whoever issues the DDL: they must be able to call the function even though
-- schema `floe` is closed to them (an event trigger calls it by oid, without a schema lookup).
grant execute on function floe.notify_schema_reload() to public;

do $$
begin
  if not (select rolsuper from pg_roles where rolname = current_user) then
    raise notice 'Floe: role % is not a superuser, so the DDL event trigger that reloads the schema cache was not created. After changing the schema, run: NOTIFY floe, ''reload schema''', current_user;
    return;
  end if;
  create event trigger floe_schema_reload_ddl on ddl_command_end
    execute function floe.notify_schema_reload();
  create event trigger floe_schema_reload_drop on sql_drop
    execute function floe.notify_schema_reload();
end
$$;
