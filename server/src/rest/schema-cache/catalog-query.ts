/**
 * The one introspection query: every catalog family the cache needs, as a single JSON document,
 * so a (re)load costs one round trip for the data however large the schema. Run with
 * `search_path = ''` (load.ts) so format_type() and regclass print schema-qualified names for
 * everything outside pg_catalog (`public.mood`, not `mood`), whatever the role's search_path.
 *
 * $1 is the list of exposed schema names (config), passed as a parameter, never glued.
 *
 * Scope, as in PostgREST: relations, columns and functions come from the exposed schemas only;
 * keys and foreign keys from every user schema, because a view in an exposed schema may sit on a
 * private table whose keys it inherits, and a relationship may point at a private table (it is
 * dropped later, but the junction detection needs to see it); view definitions for the exposed
 * views and every view they are built on, followed through pg_depend.
 */
/**
 * The SQL text that may read the request settings (a POSIX regex, as an SQL literal, matched
 * without regard to case, as Postgres looks settings up): a name of one, or current_setting with
 * a name that is not a literal (computed at run time).
 */
const READS_REQUEST_SETTINGS = "'request[.](headers|cookies|method|path)|current_setting[[:space:]]*[(][[:space:]]*[^''[:space:]]'"
/**
 * The SQL text that may set response.headers or response.status: a name of one, or set_config
 * with a name that is not a literal. (Dynamic SQL, which may SET anything, is matched apart.)
 */
const SETS_RESPONSE_SETTINGS = "'response[.](headers|status)|set_config[[:space:]]*[(][[:space:]]*[^''[:space:]]'"
/** Floe's own schemas: their functions' dynamic SQL never sets response.* (checked by a test). */
const FLOE_SCHEMAS = "'auth', 'floe', 'realtime', 'storage'"

/**
 * Whether some SQL of the database matches `pattern` (a regex literal, without regard to case):
 * a function's body (or `orFunction`, a further test on that function, `p` and its schema `n`),
 * a policy, a column default, a check or a view.
 */
function anySqlMatches(pattern: string, orFunction = 'false'): string {
  return `exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname not in ('pg_catalog', 'information_schema') and (p.prosrc ~* ${pattern} or ${orFunction}))
    or exists (select 1 from pg_policy pol
               where concat(pg_get_expr(pol.polqual, pol.polrelid), ' ', pg_get_expr(pol.polwithcheck, pol.polrelid)) ~* ${pattern})
    or exists (select 1 from pg_attrdef d where pg_get_expr(d.adbin, d.adrelid) ~* ${pattern})
    or exists (select 1 from pg_constraint c where c.contype = 'c' and pg_get_constraintdef(c.oid) ~* ${pattern})
    or exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where c.relkind in ('v', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
                 and pg_get_viewdef(c.oid) ~* ${pattern})`
}

export const CATALOG_QUERY = /* sql */ `
with recursive
exposed as (
  select oid from pg_catalog.pg_namespace where nspname = any($1::text[])
),
user_ns as (
  select oid from pg_catalog.pg_namespace where nspname <> 'information_schema' and nspname !~ '^pg_'
),
domain_chain(oid, base) as (
  select oid, typbasetype from pg_catalog.pg_type where typtype = 'd'
  union all
  select d.oid, t.typbasetype from domain_chain d join pg_catalog.pg_type t on t.oid = d.base where t.typtype = 'd'
),
domain_base as (
  select d.oid, d.base from domain_chain d join pg_catalog.pg_type b on b.oid = d.base where b.typtype <> 'd'
),
rels as (
  select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relkind::text as kind,
    case
      when c.relkind in ('r', 'p') then 28
      -- pg_relation_is_updatable bits: 4 = UPDATE, 8 = INSERT, 16 = DELETE (1 << CmdType)
      when c.relkind in ('v', 'f') then pg_relation_is_updatable(c.oid::regclass, true)
      else 0
    end as updatable_bits,
    obj_description(c.oid, 'pg_class') as description
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relnamespace in (select oid from exposed)
    and c.relkind in ('r', 'v', 'm', 'f', 'p')
    -- partitions are reached through their partitioned table, as in PostgREST
    and not c.relispartition
),
cols as (
  select a.attrelid::int8 as relid, a.attname as name, a.attnum as position,
    format_type(a.atttypid, a.atttypmod) as type,
    t.typname as udt_name,
    -- a domain's base type (through nested domains), e.g. for fts on a tsvector domain
    bt.typname as base_udt_name,
    t.typtype::text as type_kind,
    (t.typtype = 'b' and t.typcategory = 'A') as is_array,
    not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)) as nullable,
    case
      when a.attgenerated <> '' then null
      when a.attidentity <> '' then
        format('nextval(%L::regclass)', pg_get_serial_sequence(a.attrelid::regclass::text, a.attname))
      when ad.adbin is not null then pg_get_expr(ad.adbin, ad.adrelid)
      when t.typtype = 'd' then pg_get_expr(t.typdefaultbin, 0)
    end as "default",
    (a.attgenerated <> '' or a.attidentity = 'a') as is_generated,
    a.attidentity <> '' as is_identity,
    information_schema._pg_char_max_length(
      information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)
    ) as max_length,
    (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e
      where e.enumtypid = coalesce(eb.base, el.oid)) as enum_values,
    col_description(a.attrelid, a.attnum) as description
  from pg_attribute a
  join rels r on r.oid = a.attrelid
  join pg_type t on t.oid = a.atttypid
  left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
  -- enum labels are looked up through arrays and domains: mood[] and a domain over mood list them
  cross join lateral (
    select case when t.typtype = 'b' and t.typcategory = 'A' then t.typelem else t.oid end as oid
  ) el
  left join domain_base eb on eb.oid = el.oid
  left join domain_base db on db.oid = t.oid
  left join pg_type bt on bt.oid = db.base
  where a.attnum > 0 and not a.attisdropped
),
keys as (
  select i.indrelid::int8 as relid, i.indisprimary as is_primary,
    exists (
      select 1 from pg_constraint k
      where k.conindid = i.indexrelid and k.conrelid = i.indrelid and k.contype in ('p', 'u')
    ) as is_constraint,
    kc.attnums, kc.names
  from pg_index i
  join pg_class c on c.oid = i.indrelid
  cross join lateral (
    select json_agg(a.attnum order by k.ord) as attnums, json_agg(a.attname order by k.ord) as names
    from unnest(i.indkey::int2[]) with ordinality k(attnum, ord)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
    -- INCLUDE columns follow the key columns in indkey and are not part of the key
    where k.ord <= i.indnkeyatts
  ) kc
  where i.indisunique and i.indisvalid and i.indpred is null and i.indexprs is null
    and c.relnamespace in (select oid from user_ns)
),
fks as (
  select con.conname as name, con.conrelid::int8 as relid, con.confrelid::int8 as frelid,
    rn.nspname as schema, rc.relname as "table", fn.nspname as fschema, fc.relname as ftable,
    kc.attnums, kc.names, fkc.attnums as fattnums, fkc.names as fnames
  from pg_constraint con
  join pg_class rc on rc.oid = con.conrelid
  join pg_namespace rn on rn.oid = rc.relnamespace
  join pg_class fc on fc.oid = con.confrelid
  join pg_namespace fn on fn.oid = fc.relnamespace
  cross join lateral (
    select json_agg(a.attnum order by k.ord) as attnums, json_agg(a.attname order by k.ord) as names
    from unnest(con.conkey) with ordinality k(attnum, ord)
    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
  ) kc
  cross join lateral (
    select json_agg(a.attnum order by k.ord) as attnums, json_agg(a.attname order by k.ord) as names
    from unnest(con.confkey) with ordinality k(attnum, ord)
    join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum
  ) fkc
  -- conparentid <> 0: the copies a partitioned table's FK leaves on each partition
  where con.contype = 'f' and con.conparentid = 0 and con.connamespace in (select oid from user_ns)
),
view_tree(oid) as (
  select c.oid from pg_class c where c.relkind in ('v', 'm') and c.relnamespace in (select oid from exposed)
  union
  select d.refobjid
  from view_tree v
  join pg_rewrite r on r.ev_class = v.oid
  join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid and d.refclassid = 'pg_class'::regclass
  join pg_class c on c.oid = d.refobjid and c.relkind in ('v', 'm')
),
views as (
  select v.oid::int8 as oid, r.ev_action::text as definition
  from view_tree v join pg_rewrite r on r.ev_class = v.oid and r.rulename = '_RETURN'
),
funcs as (
  select p.oid::int8 as oid, n.nspname as schema, p.proname as name,
    format_type(p.prorettype, null) as return_type,
    p.proretset as returns_set,
    p.provolatile::text as volatility,
    obj_description(p.oid, 'pg_proc') as description,
    rt.typtype::text as return_kind,
    -- A function returning a domain named as a media type ("text/plain", "image/png", "*/*")
    -- answers its value raw in that type, as PostgREST's media type handlers (SchemaCache.hs).
    case when rt.typtype = 'd' and not p.proretset and (rt.typname ~* '^[A-Za-z0-9.-]+/[A-Za-z0-9.+-]+$' or rt.typname = '*/*')
      then lower(rt.typname) end as return_media_type,
    rt.typtype = 'd' and rt.typbasetype = 'bytea'::regtype as return_binary,
    rn.nspname as return_rel_schema, rr.relname as return_rel_name,
    (select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) order by a.attnum)
      from pg_attribute a where a.attrelid = rt.typrelid and a.attnum > 0 and not a.attisdropped
    ) as return_type_columns,
    p.pronargs as nargs, p.pronargdefaults as ndefaults,
    (select json_agg(json_build_object(
        'name', coalesce(x.name, ''), 'type', format_type(x.type, null), 'udt_name', t.typname,
        'mode', coalesce(x.mode, 'i'), 'relid', t.typrelid::int8
      ) order by x.ord)
      from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargmodes::text[], p.proargnames)
        with ordinality x(type, mode, name, ord)
      join pg_type t on t.oid = x.type
    ) as args
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
  join pg_type rt on rt.oid = p.prorettype
  left join pg_class rr on rr.oid = rt.typrelid
  left join pg_namespace rn on rn.oid = rr.relnamespace
  where p.pronamespace in (select oid from exposed)
    and p.prokind = 'f'
    and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)
)
select json_build_object(
  'pgVersion', current_setting('server_version_num')::int,
  -- Whether any SQL of the database may read request.method, .path, .headers or .cookies: a
  -- function's body, a policy, a column default, a check or a view that names them, or that calls
  -- current_setting with a name computed at run time. Only then does a request set them.
  'readsRequestSettings', (${anySqlMatches(READS_REQUEST_SETTINGS)}),
  -- Whether any SQL of the database may set response.headers or response.status (a function's
  -- body, a policy, default, check or view, a database or role setting), or run dynamic SQL
  -- outside Floe's own schemas. Only then does a statement read them back.
  'setsResponseSettings', (
    ${anySqlMatches(SETS_RESPONSE_SETTINGS, `n.nspname not in (${FLOE_SCHEMAS}) and p.prosrc ~* '(^|[^[:alnum:]_])execute([^[:alnum:]_]|$)'`)}
    or exists (select 1 from pg_db_role_setting s where array_to_string(s.setconfig, ' ') ~* 'response[.]')
  ),
  'relations', (select coalesce(json_agg(x order by x.schema, x.name), '[]') from rels x),
  'columns', (select coalesce(json_agg(x order by x.relid, x.position), '[]') from cols x),
  'keys', (select coalesce(json_agg(x order by x.relid, x.is_primary desc, x.names::text), '[]') from keys x),
  'foreignKeys', (select coalesce(json_agg(x order by x.schema, x."table", x.name), '[]') from fks x),
  'views', (select coalesce(json_agg(x order by x.oid), '[]') from views x),
  'functions', (select coalesce(json_agg(x order by x.schema, x.name, x.oid), '[]') from funcs x)
) as catalog
`

export interface RawRelation {
  oid: number
  schema: string
  name: string
  kind: 'r' | 'v' | 'm' | 'f' | 'p'
  updatable_bits: number
  description: string | null
}

export interface RawColumn {
  relid: number
  name: string
  position: number
  type: string
  udt_name: string
  /** Set for a domain: the typname of the type under it (and under any nested domain). */
  base_udt_name: string | null
  type_kind: 'b' | 'e' | 'c' | 'd' | 'r' | 'm' | 'p'
  is_array: boolean
  nullable: boolean
  default: string | null
  is_generated: boolean
  is_identity: boolean
  max_length: number | null
  enum_values: string[] | null
  description: string | null
}

export interface RawKey {
  relid: number
  is_primary: boolean
  /** A PRIMARY KEY or UNIQUE constraint, not a bare unique index (PostgREST's one-to-one test). */
  is_constraint: boolean
  attnums: number[]
  names: string[]
}

export interface RawForeignKey {
  name: string
  relid: number
  frelid: number
  schema: string
  table: string
  fschema: string
  ftable: string
  attnums: number[]
  names: string[]
  fattnums: number[]
  fnames: string[]
}

export interface RawView {
  oid: number
  /** pg_rewrite.ev_action: the view's query as a pg_node_tree text. */
  definition: string
}

export interface RawFunctionArg {
  name: string
  type: string
  udt_name: string
  /** i in, o out, b inout, v variadic, t RETURNS TABLE column. */
  mode: 'i' | 'o' | 'b' | 'v' | 't'
  /** A composite argument's relation (pg_type.typrelid), else 0: finds computed fields. */
  relid: number
}

export interface RawFunction {
  oid: number
  schema: string
  name: string
  return_type: string
  returns_set: boolean
  volatility: 'i' | 's' | 'v'
  description: string | null
  return_kind: string
  return_media_type: string | null
  return_binary: boolean
  return_rel_schema: string | null
  return_rel_name: string | null
  return_type_columns: { name: string; type: string }[] | null
  nargs: number
  ndefaults: number
  args: RawFunctionArg[] | null
}

export interface RawCatalog {
  pgVersion: number
  readsRequestSettings: boolean
  setsResponseSettings: boolean
  relations: RawRelation[]
  columns: RawColumn[]
  keys: RawKey[]
  foreignKeys: RawForeignKey[]
  views: RawView[]
  functions: RawFunction[]
}
