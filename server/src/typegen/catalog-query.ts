/**
 * The introspection query behind `floe gen types`: one JSON document with what the TypeScript
 * text needs, by oid (not format_type() text, so a type is resolved exactly, array and domain
 * included). Separate from the data API's schema cache on purpose: the cache keeps what a request
 * needs (format_type strings, no type catalog), this keeps what a type needs (every enum and
 * composite type of a schema, a column's type oid, per-column updatability of views).
 *
 * $1 is the list of schemas to describe, passed as a parameter, never glued.
 */
export const TYPEGEN_QUERY = /* sql */ `
with recursive
wanted as (
  select oid from pg_catalog.pg_namespace where nspname = any($1::text[])
),
user_ns as (
  select oid from pg_catalog.pg_namespace
  where nspname <> 'information_schema' and nspname !~ '^pg_'
),
rels as (
  select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relkind::text as kind,
    case when c.relkind in ('v', 'f') then pg_relation_is_updatable(c.oid::regclass, false)
         when c.relkind in ('r', 'p') then 28 else 0 end as updatable_bits
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relnamespace in (select oid from wanted)
    and c.relkind in ('r', 'v', 'm', 'f', 'p') and not c.relispartition
),
-- Columns of the described relations and of every user table (a view's column takes the
-- nullability of the base column it shows, which may live in another schema).
cols as (
  select a.attrelid::int8 as relid, a.attname as name, a.attnum as attnum, a.atttypid::int8 as type,
    -- a NOT NULL domain is as good as a NOT NULL column
    (a.attnotnull or (t.typtype = 'd' and t.typnotnull)) as not_null,
    (ad.adbin is not null or (t.typtype = 'd' and t.typdefaultbin is not null)) as has_default,
    a.attidentity::text as identity, a.attgenerated::text as generated,
    case when c.relkind in ('v', 'f') then pg_column_is_updatable(c.oid::regclass, a.attnum, false) else true end as updatable
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  join pg_type t on t.oid = a.atttypid
  left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
  where a.attnum > 0 and not a.attisdropped
    and (c.oid in (select oid from rels) or (c.relnamespace in (select oid from user_ns) and c.relkind in ('r', 'p', 'f')))
),
-- Primary key and UNIQUE constraints (what makes a foreign key one-to-one).
uniques as (
  select k.conrelid::int8 as relid, k.conkey::int2[] as attnums
  from pg_constraint k where k.contype in ('p', 'u') and k.connamespace in (select oid from user_ns)
),
fks as (
  select k.conname as name, k.conrelid::int8 as relid, k.confrelid::int8 as frelid,
    k.conkey::int2[] as attnums, k.confkey::int2[] as fattnums
  from pg_constraint k where k.contype = 'f' and k.conparentid = 0 and k.connamespace in (select oid from user_ns)
),
-- Exposed views and every view they are built on, through pg_depend.
view_tree(oid) as (
  select oid from rels where kind in ('v', 'm')
  union
  select c.oid::int8 from view_tree v
  join pg_rewrite r on r.ev_class = v.oid
  join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid and d.refclassid = 'pg_class'::regclass
  join pg_class c on c.oid = d.refobjid and c.relkind in ('v', 'm')
),
views as (
  select v.oid, r.ev_action::text as definition,
    (select coalesce(json_agg(distinct d.refobjid::int8), '[]') from pg_depend d
      where d.classid = 'pg_rewrite'::regclass and d.objid = r.oid and d.refclassid = 'pg_class'::regclass
        and d.refobjid <> v.oid) as depends_on
  from view_tree v join pg_rewrite r on r.ev_class = v.oid and r.rulename = '_RETURN'
),
types as (
  select t.oid::int8 as oid, n.nspname as schema, t.typname as name, t.typtype::text as kind,
    case when t.typcategory = 'A' and t.typelem <> 0 then t.typelem::int8 end as elem,
    nullif(t.typbasetype, 0)::int8 as base,
    case when t.typrelid <> 0 then t.typrelid::int8 end as relid,
    (select c.relkind::text from pg_class c where c.oid = t.typrelid) as relkind,
    (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) as labels,
    (select json_agg(json_build_object('name', a.attname, 'type', a.atttypid::int8) order by a.attnum)
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      where a.attrelid = t.typrelid and c.relkind = 'c' and a.attnum > 0 and not a.attisdropped) as attributes
  from pg_type t join pg_namespace n on n.oid = t.typnamespace
  where t.typnamespace in (select oid from user_ns) or n.nspname = 'pg_catalog'
),
funcs as (
  select p.oid::int8 as oid, n.nspname as schema, p.proname as name,
    p.prorettype::int8 as return_type, p.proretset as returns_set, p.prorows::float8 as rows,
    p.pronargs as nargs, p.pronargdefaults as ndefaults,
    (select json_agg(json_build_object('name', coalesce(x.name, ''), 'type', x.type::int8, 'mode', coalesce(x.mode, 'i')) order by x.ord)
      from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargmodes::text[], p.proargnames)
        with ordinality x(type, mode, name, ord)) as args
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where p.pronamespace in (select oid from wanted) and p.prokind = 'f'
    and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)
    -- functions an extension brings are not the app's API (PostgREST still exposes them, but
    -- typing pgcrypto's forty overloads helps nobody)
    and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
)
select json_build_object(
  'relations', (select coalesce(json_agg(r), '[]') from rels r),
  'columns', (select coalesce(json_agg(c), '[]') from cols c),
  'uniques', (select coalesce(json_agg(u), '[]') from uniques u),
  'foreignKeys', (select coalesce(json_agg(f), '[]') from fks f),
  'views', (select coalesce(json_agg(v), '[]') from views v),
  'types', (select coalesce(json_agg(t), '[]') from types t),
  'functions', (select coalesce(json_agg(f), '[]') from funcs f)
) as catalog
`

export interface RawRelation {
  oid: number
  schema: string
  name: string
  /** pg_class.relkind: r table, p partitioned, v view, m materialized view, f foreign table. */
  kind: 'r' | 'p' | 'v' | 'm' | 'f'
  /** pg_relation_is_updatable bits: 4 UPDATE, 8 INSERT, 16 DELETE. */
  updatable_bits: number
}

export interface RawColumn {
  relid: number
  name: string
  attnum: number
  type: number
  not_null: boolean
  has_default: boolean
  /** `a` ALWAYS, `d` BY DEFAULT, empty when not an identity. */
  identity: string
  /** `s` stored, `v` virtual, empty when not generated. */
  generated: string
  updatable: boolean
}

export interface RawForeignKey {
  name: string
  relid: number
  frelid: number
  attnums: number[]
  fattnums: number[]
}

export interface RawView {
  oid: number
  definition: string
  depends_on: number[]
}

export interface RawType {
  oid: number
  schema: string
  name: string
  /** pg_type.typtype: b base, c composite, d domain, e enum, p pseudo, r range, m multirange. */
  kind: string
  elem: number | null
  base: number | null
  relid: number | null
  relkind: string | null
  labels: string[] | null
  attributes: { name: string; type: number }[] | null
}

export interface RawFunction {
  oid: number
  schema: string
  name: string
  return_type: number
  returns_set: boolean
  rows: number
  nargs: number
  ndefaults: number
  /** Mode: i in, o out, b inout, v variadic, t table column. */
  args: { name: string; type: number; mode: string }[] | null
}

export interface RawTypegenCatalog {
  relations: RawRelation[]
  columns: RawColumn[]
  uniques: { relid: number; attnums: number[] }[]
  foreignKeys: RawForeignKey[]
  views: RawView[]
  types: RawType[]
  functions: RawFunction[]
}
