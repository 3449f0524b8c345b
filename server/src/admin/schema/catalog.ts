/**
 * Reads of the catalog for the schema editor. Each function takes the transaction's client first
 * and reads pg_catalog directly (not information_schema, which hides what the role does not own).
 */
import { run, type Client } from '../queries.js'
import type { Column, Enum, ForeignKey, Func, Index, TableDetail, TableSummary, View } from './models.js'

/** Tables of at most this size on disk are counted exactly; larger ones get the planner's estimate. */
export const EXACT_COUNT_MAX_BYTES = 1024 * 1024

interface TableRow {
  oid: number
  schema: string
  name: string
  rls_enabled: boolean
  policy_count: number
  estimate: number
  exact: string | null
  realtime: boolean
}

/**
 * One query for the whole list: the exact counts run through query_to_xml, so small tables are
 * counted without a round trip each. pg_relation_size is a file stat, cheap on any table.
 */
const TABLES_SQL = `
  select c.oid::int as oid, n.nspname as schema, c.relname as name, c.relrowsecurity as rls_enabled,
         (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policy_count,
         greatest(c.reltuples, 0)::float8 as estimate,
         case when c.relkind = 'r' and pg_relation_size(c.oid) <= $3 and has_table_privilege(c.oid, 'select') then
           (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
         end as exact,
         exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'floe_realtime_insert') as realtime
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where ($1::text[] is null or n.nspname = any ($1)) and c.relkind in ('r', 'p') and not c.relispartition
     and ($2::oid is null or c.oid = $2)
   order by 2, 3`

function toSummary(r: TableRow): TableSummary {
  const warnings: TableSummary['warnings'] = []
  if (!r.rls_enabled) warnings.push({ problem: 'rls_disabled', message: 'Row-level security is off: every role with a grant reads and writes every row' })
  else if (r.policy_count === 0) warnings.push({ problem: 'no_policy', message: 'Row-level security is on but no rule exists: only the service role can use this table' })
  return {
    schema: r.schema,
    name: r.name,
    rows: r.exact === null ? Math.round(r.estimate) : Number(r.exact),
    rows_exact: r.exact !== null,
    rls_enabled: r.rls_enabled,
    policy_count: r.policy_count,
    realtime: r.realtime,
    warnings,
  }
}

export async function listTables(client: Client, schemas: readonly string[]): Promise<TableSummary[]> {
  const rows = await run<TableRow>(client, TABLES_SQL, [schemas, null, EXACT_COUNT_MAX_BYTES])
  return rows.map(toSummary)
}

/** An ordinary or partitioned table of one of the schemas, by name. */
export async function findTableOid(client: Client, schema: string, name: string): Promise<number | undefined> {
  const rows = await run<{ oid: number }>(
    client,
    `select c.oid::int as oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')`,
    [schema, name],
  )
  return rows[0]?.oid
}

const colsOf = (rel: string, keys: string) =>
  `array(select a.attname::text from unnest(${keys}) with ordinality u(n, i)
           join pg_attribute a on a.attrelid = ${rel} and a.attnum = u.n order by u.i)`
const action = (col: string) =>
  `case ${col} when 'a' then 'no action' when 'r' then 'restrict' when 'c' then 'cascade' when 'n' then 'set null' else 'set default' end`

export async function listColumns(client: Client, oid: number): Promise<Column[]> {
  return run<Column>(
    client,
    `select a.attname as name, a.attnum::int as position, format_type(a.atttypid, a.atttypmod) as type,
            not a.attnotnull as nullable, pg_get_expr(d.adbin, d.adrelid) as default,
            case a.attidentity when 'a' then 'always' when 'd' then 'by_default' end as identity,
            exists (select 1 from pg_constraint k where k.conrelid = a.attrelid and k.contype = 'u' and k.conkey = array[a.attnum]) as unique,
            exists (select 1 from pg_constraint k where k.conrelid = a.attrelid and k.contype = 'p' and a.attnum = any (k.conkey)) as primary_key
       from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
    [oid],
  )
}

export async function findPrimaryKey(client: Client, oid: number): Promise<{ name: string; columns: string[] } | undefined> {
  const rows = await run<{ name: string; columns: string[] }>(
    client,
    `select k.conname as name, ${colsOf('k.conrelid', 'k.conkey')} as columns
       from pg_constraint k where k.conrelid = $1 and k.contype = 'p'`,
    [oid],
  )
  return rows[0]
}

/** Foreign keys from or to the table. */
export async function listForeignKeys(client: Client, oid: number): Promise<(ForeignKey & { from_oid: number; to_oid: number })[]> {
  return run(
    client,
    `select k.conname as name, k.conrelid::int as from_oid, k.confrelid::int as to_oid, sn.nspname as schema, s.relname as table,
            ${colsOf('k.conrelid', 'k.conkey')} as columns,
            tn.nspname as referenced_schema, t.relname as referenced_table, ${colsOf('k.confrelid', 'k.confkey')} as referenced_columns,
            ${action('k.confdeltype')} as on_delete, ${action('k.confupdtype')} as on_update
       from pg_constraint k
       join pg_class s on s.oid = k.conrelid join pg_namespace sn on sn.oid = s.relnamespace
       join pg_class t on t.oid = k.confrelid join pg_namespace tn on tn.oid = t.relnamespace
      where k.contype = 'f' and (k.conrelid = $1 or k.confrelid = $1)
      order by k.conname`,
    [oid],
  )
}

export async function listIndexes(client: Client, schemas: readonly string[], filter: { tableOid?: number; name?: string } = {}): Promise<Index[]> {
  return run<Index>(
    client,
    `select n.nspname as schema, t.relname as table, i.relname as name,
            array(select pg_get_indexdef(x.indexrelid, k, true) from generate_series(1, x.indnkeyatts::int) k) as columns,
            x.indisunique as unique, x.indisprimary as primary, am.amname as method, pg_get_indexdef(x.indexrelid) as definition
       from pg_index x
       join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
       join pg_namespace n on n.oid = i.relnamespace join pg_am am on am.oid = i.relam
      where n.nspname = any ($1) and ($2::oid is null or x.indrelid = $2) and ($3::text is null or i.relname = $3)
      order by 1, 2, 3`,
    [schemas, filter.tableOid ?? null, filter.name ?? null],
  )
}

export async function getTableDetail(client: Client, oid: number): Promise<TableDetail | undefined> {
  const [row] = await run<TableRow>(client, TABLES_SQL, [null, oid, EXACT_COUNT_MAX_BYTES])
  if (!row) return undefined
  const keys = await listForeignKeys(client, oid)
  const strip = ({ from_oid: _f, to_oid: _t, ...fk }: ForeignKey & { from_oid: number; to_oid: number }): ForeignKey => fk
  return {
    ...toSummary(row),
    columns: await listColumns(client, oid),
    primary_key: (await findPrimaryKey(client, oid)) ?? null,
    foreign_keys: keys.filter((k) => k.from_oid === oid).map(strip),
    referenced_by: keys.filter((k) => k.to_oid === oid).map(strip),
    indexes: await listIndexes(client, [row.schema], { tableOid: oid }),
  }
}

export async function listEnums(client: Client, schemas: readonly string[], name?: string): Promise<Enum[]> {
  return run<Enum>(
    client,
    `select n.nspname as schema, t.typname as name,
            array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) as values
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where t.typtype = 'e' and n.nspname = any ($1) and ($2::text is null or t.typname = $2)
      order by 1, 2`,
    [schemas, name ?? null],
  )
}

export async function listViews(client: Client, schemas: readonly string[]): Promise<View[]> {
  return run<View>(
    client,
    `select n.nspname as schema, c.relname as name, c.relkind = 'm' as materialized, pg_get_viewdef(c.oid, true) as definition
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('v', 'm') and n.nspname = any ($1)
      order by 1, 2`,
    [schemas],
  )
}

/** Functions and procedures written in the schemas (not aggregates, not an extension's). */
export async function listFunctions(client: Client, schemas: readonly string[]): Promise<Func[]> {
  return run<Func>(
    client,
    `select n.nspname as schema, p.proname as name, case p.prokind when 'p' then 'procedure' else 'function' end as kind,
            pg_get_function_arguments(p.oid) as args, pg_get_function_result(p.oid) as return_type, l.lanname as language,
            case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end as volatility,
            p.prosecdef as security_definer
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
      where n.nspname = any ($1) and p.prokind in ('f', 'p')
        and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
      order by 1, 2, 4`,
    [schemas],
  )
}
