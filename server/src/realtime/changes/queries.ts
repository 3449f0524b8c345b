/**
 * The change feed's SQL: each a single statement calling a function of migration 0017, so each is
 * one round trip on a pooled connection (no transaction spans two of them). Every call goes
 * through `run`, which names it for the feed's query hook (tests count round trips with it).
 */
import type pg from 'pg'
import { OPS, type ChangeRow, type TableView, type Verdict } from './payload.js'
import type { Filter } from './specs.js'

export type QueryHook = (name: string) => void

export interface Db {
  pool: pg.Pool
  onQuery?: QueryHook | undefined
}

async function run<R extends pg.QueryResultRow>(db: Db, name: string, text: string, values: unknown[]): Promise<R[]> {
  db.onQuery?.(name)
  return (await db.pool.query<R>(text, values)).rows
}

/**
 * A subscriber group as the check takes it: a role, its claims (JSON text, as set_config wants)
 * and the uid they give (`floe.uid`, auth.uid()'s fast path: db/claims.ts).
 */
export interface GroupInput {
  role: string
  claims: string
  uid: string
}

/** One (group, schema, table, filter) the check evaluates; `t` absent: every table of `s`. */
export interface UnitInput {
  g: number
  s: string
  t?: string
  c?: string
  o?: string
  v?: string[]
}

export interface CheckResult {
  changes: ChangeRow[]
  /** By `${role}\u0000${table oid}`. */
  views: Map<string, TableView>
  /** By position, then group index. */
  verdicts: Map<string, Map<number, Verdict>>
}

interface CheckRow {
  kind: 'change' | 'table' | 'seen'
  pos: string | null
  grp: number | null
  new_ok: boolean | null
  old_ok: boolean | null
  new_units: number[] | null
  old_units: number[] | null
  table_oid: number | null
  op: string | null
  new_row: Record<string, unknown> | null
  old_row: Record<string, unknown> | null
  captured_at: Date | null
  info: (TableView & { role: string }) | null
}

export const viewKey = (role: string, oid: number) => `${role}\u0000${oid}`

/**
 * The batched check (realtime.check_changes): one round trip for every group of the batch.
 * `input`: the GroupInput[] and UnitInput[] as JSON text (the feed keeps them between batches).
 */
export async function checkChanges(db: Db, after: string, upto: string | null, maxRows: number, input: { groups: string; units: string }): Promise<CheckResult> {
  const rows = await run<CheckRow>(db, 'check_changes', 'select * from realtime.check_changes($1, $2, $3, $4::jsonb, $5::jsonb)', [
    after,
    upto,
    maxRows,
    input.groups,
    input.units,
  ])
  const result: CheckResult = { changes: [], views: new Map(), verdicts: new Map() }
  for (const r of rows) {
    if (r.kind === 'change') {
      result.changes.push({ position: r.pos!, tableOid: r.table_oid!, type: OPS[r.op!]!, newRow: r.new_row, oldRow: r.old_row, capturedAt: r.captured_at! })
    } else if (r.kind === 'table') {
      const { role, ...view } = r.info!
      result.views.set(viewKey(role, r.table_oid!), view)
    } else {
      let byGroup = result.verdicts.get(r.pos!)
      if (!byGroup) result.verdicts.set(r.pos!, (byGroup = new Map()))
      byGroup.set(r.grp!, { newOk: r.new_ok!, oldOk: r.old_ok!, newUnits: r.new_units ?? [], oldUnits: r.old_units ?? [] })
    }
  }
  return result
}

export interface SpecCheck {
  schema: string
  table: string | undefined
  filter: Filter | undefined
}

/** Why each spec is refused for `role` (null: accepted), in one round trip. */
export async function checkSpecs(db: Db, role: string, specs: SpecCheck[]): Promise<(string | null)[]> {
  const input = specs.map((s) => ({ s: s.schema, t: s.table ?? null, c: s.filter?.column ?? null, o: s.filter?.op ?? null, v: s.filter?.values ?? null }))
  const rows = await run<{ reason: string | null }>(
    db,
    'check_spec',
    `select realtime.check_spec($1, e.x ->> 's', e.x ->> 't', e.x ->> 'c', e.x ->> 'o', e.x -> 'v') as reason
       from jsonb_array_elements($2::jsonb) with ordinality as e(x, i) order by e.i`,
    [role, JSON.stringify(input)],
  )
  return rows.map((r) => r.reason)
}

export async function headPosition(db: Db): Promise<{ head: bigint; prunedThrough: bigint }> {
  const [row] = await run<{ head: string; pruned_through: string }>(db, 'head_position', 'select * from realtime.head_position()', [])
  return { head: BigInt(row!.head), prunedThrough: BigInt(row!.pruned_through) }
}

/** Gives up to `batch` committed changes their positions; resolves with how many and the last. */
export async function sequenceChanges(db: Db, batch: number): Promise<{ n: number; last: bigint | null }> {
  const [row] = await run<{ n: number; last: string | null }>(db, 'sequence_changes', 'select * from realtime.sequence_changes($1)', [batch])
  return { n: row?.n ?? 0, last: row?.last == null ? null : BigInt(row.last) }
}

export async function pruneChanges(db: Db, retentionS: number, limit: number): Promise<number> {
  const [row] = await run<{ n: number }>(db, 'prune_changes', `select realtime.prune_changes(make_interval(secs => $1), $2) as n`, [retentionS, limit])
  return row?.n ?? 0
}
