/**
 * The admin module's SQL. Each function takes the transaction's client first. Every statement
 * goes through `run`, which forces the extended protocol: it refuses more than one command per
 * statement, so an admin's `using` / `check` text can only ever be part of one CREATE/ALTER POLICY.
 */
import type pg from 'pg'
import { quoteIdent, quoteLiteral } from '../db/index.js'

export type Client = pg.PoolClient

/** The statements that change something (not the reads around them), for the audit log. */
const CHANGE = /^\s*(create|alter|drop|comment|grant|revoke|select realtime\.(enable|disable)_table)\b/i
const recordings = new WeakMap<Client, string[]>()

/** Collects, until `stopRecording`, the changing statements `run` sends on this client, values inlined. */
export function startRecording(client: Client): string[] {
  const statements: string[] = []
  recordings.set(client, statements)
  return statements
}
export function stopRecording(client: Client): void {
  recordings.delete(client)
}

export async function run<R extends pg.QueryResultRow = Record<string, unknown>>(
  client: Client,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const recording = recordings.get(client)
  if (recording && CHANGE.test(text)) {
    recording.push(text.replace(/\$(\d+)/g, (_, i: string) => quoteLiteral(String(values[Number(i) - 1]))))
  }
  // queryMode is in pg ≥ 8.12 but not in @types/pg.
  const res = await client.query<R>({ text, values, queryMode: 'extended' } as pg.QueryConfig)
  return res.rows
}

export interface TableRow {
  oid: number
  schema: string
  table: string
  rls_enabled: boolean
  rls_forced: boolean
}

/** An ordinary or partitioned table (the kinds RLS applies to) of the given schema. */
export async function findTable(client: Client, schema: string, table: string): Promise<TableRow | undefined> {
  const rows = await run<TableRow>(
    client,
    `select c.oid::int as oid, n.nspname as schema, c.relname as table,
            c.relrowsecurity as rls_enabled, c.relforcerowsecurity as rls_forced
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')`,
    [schema, table],
  )
  return rows[0]
}

export interface PolicyRow {
  name: string
  command: 'select' | 'insert' | 'update' | 'delete' | 'all'
  roles: string[]
  permissive: boolean
  using: string | null
  check: string | null
}

/** pg_policies' columns, read from pg_policy so `roles` is a plain text array. */
export async function listPolicies(client: Client, tableOid: number): Promise<PolicyRow[]> {
  return run<PolicyRow>(
    client,
    `select p.polname as name,
            case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                          when 'd' then 'delete' else 'all' end as command,
            case when p.polroles = '{0}' then array['public']
                 else array(select rolname::text from pg_roles where oid = any (p.polroles) order by rolname) end as roles,
            p.polpermissive as permissive,
            pg_get_expr(p.polqual, p.polrelid) as using,
            pg_get_expr(p.polwithcheck, p.polrelid) as check
       from pg_policy p where p.polrelid = $1 order by p.polname`,
    [tableOid],
  )
}

export function qualifiedName(t: { schema: string; table: string }): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`
}

export interface PolicySpec {
  name: string
  operation: PolicyRow['command']
  roles: string[]
  using?: string | undefined
  check?: string | undefined
}

/** `public` is Postgres' keyword for every role, not an identifier to quote. */
const roleList = (roles: string[]) => roles.map((r) => (r === 'public' ? 'public' : quoteIdent(r))).join(', ')

export async function createPolicy(client: Client, t: TableRow, p: PolicySpec): Promise<void> {
  await run(
    client,
    `create policy ${quoteIdent(p.name)} on ${qualifiedName(t)} as permissive for ${p.operation} to ${roleList(p.roles)}` +
      (p.using !== undefined ? ` using (${p.using})` : '') +
      (p.check !== undefined ? ` with check (${p.check})` : ''),
  )
}

export async function alterPolicy(
  client: Client,
  t: TableRow,
  name: string,
  change: { roles?: string[] | undefined; using?: string | undefined; check?: string | undefined },
): Promise<void> {
  const parts = [
    change.roles !== undefined ? `to ${roleList(change.roles)}` : '',
    change.using !== undefined ? `using (${change.using})` : '',
    change.check !== undefined ? `with check (${change.check})` : '',
  ].filter(Boolean)
  if (parts.length > 0) await run(client, `alter policy ${quoteIdent(name)} on ${qualifiedName(t)} ${parts.join(' ')}`)
}

export async function renamePolicy(client: Client, t: TableRow, from: string, to: string): Promise<void> {
  await run(client, `alter policy ${quoteIdent(from)} on ${qualifiedName(t)} rename to ${quoteIdent(to)}`)
}

export async function dropPolicy(client: Client, t: TableRow, name: string): Promise<void> {
  await run(client, `drop policy ${quoteIdent(name)} on ${qualifiedName(t)}`)
}

export async function setRowLevelSecurity(client: Client, t: TableRow, enabled: boolean): Promise<void> {
  await run(client, `alter table ${qualifiedName(t)} ${enabled ? 'enable' : 'disable'} row level security`)
}

export interface WarningRow {
  schema: string
  table: string
  rls_enabled: boolean
  policy_count: number
}

/** Tables of the exposed schemas with RLS off, or on with no policy (nothing is served). */
export async function listTableWarnings(client: Client, schemas: string[]): Promise<WarningRow[]> {
  return run<WarningRow>(
    client,
    `select n.nspname as schema, c.relname as table, c.relrowsecurity as rls_enabled,
            (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policy_count
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any ($1) and c.relkind in ('r', 'p') and not c.relispartition
        and (not c.relrowsecurity or not exists (select 1 from pg_policy p where p.polrelid = c.oid))
      order by 1, 2`,
    [schemas],
  )
}

/**
 * Views of the exposed schemas that read a table with RLS on but run with their owner's rights
 * (no security_invoker): the caller sees every row the owner sees, whatever the rules say.
 */
export async function listViewWarnings(client: Client, schemas: string[]): Promise<{ schema: string; table: string }[]> {
  return run(
    client,
    `select n.nspname as schema, c.relname as table
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any ($1) and c.relkind = 'v'
        and not coalesce((select option_value::boolean from pg_options_to_table(c.reloptions) where option_name = 'security_invoker'), false)
        and exists (select 1 from pg_rewrite r
                      join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
                      join pg_class t on t.oid = d.refobjid
                     where r.ev_class = c.oid and t.oid <> c.oid and t.relrowsecurity)
      order by 1, 2`,
    [schemas],
  )
}

/** Column names of the table, to check a row filter's keys before they reach SQL. */
export async function listColumns(client: Client, tableOid: number): Promise<string[]> {
  const rows = await run<{ name: string }>(
    client,
    'select attname as name from pg_attribute where attrelid = $1 and attnum > 0 and not attisdropped order by attnum',
    [tableOid],
  )
  return rows.map((r) => r.name)
}
