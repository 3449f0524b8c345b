/**
 * INSERT / UPDATE / DELETE as PostgREST's mutatePlanToQuery. Upserts count their real inserts in
 * the transaction-local `pgrst.inserted` setting (201 vs 200); a limited PATCH/DELETE first picks
 * its rows in `pgrst_affected_rows`, ordered, and matches them back on the order columns.
 */
import type { MutationPlan, PlannedOrder, SqlRef } from '../plan/types.js'
import { fmtLimitOffset, fmtLogic, fmtOrder, fmtSourceColumn } from './fragments.js'
import { jsonBodyFrom } from './json-body.js'
import { fmtColumn, fmtRef, ident, qualified, type Params } from './sql.js'

const inserted = (add: boolean) =>
  `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) ${add ? '+' : '-'} 1)::text, true) <> '${add ? '0' : '-1'}'`

const tableRef = (plan: MutationPlan): SqlRef => ({ kind: 'table', schema: plan.table.schema, name: plan.table.name })

function returning(plan: MutationPlan): string {
  if (plan.returning.length === 0) return ' RETURNING 1'
  return ` RETURNING ${plan.returning.map((c) => fmtSourceColumn(tableRef(plan), plan.table, c)).join(', ')}`
}

function whereLogic(p: Params, plan: MutationPlan, ref: SqlRef): string {
  return plan.where.length === 0 ? '' : ` WHERE ${plan.where.map((t) => fmtLogic(p, ref, t)).join(' AND ')}`
}

function onConflict(plan: MutationPlan): string {
  if (plan.onConflict === undefined) return ''
  const target = `ON CONFLICT(${plan.onConflict.columns.map(ident).join(', ')})`
  if (plan.onConflict.resolution === 'ignore-duplicates' || plan.columns.length === 0) return ` ${target} DO NOTHING`
  const sets = plan.columns.map((c) => `${ident(c.name)} = EXCLUDED.${ident(c.name)}`).join(', ')
  return ` ${target} DO UPDATE SET ${sets} WHERE ${inserted(false)}`
}

function insertQuery(p: Params, plan: MutationPlan): string {
  const cols = plan.columns.length === 0 ? '' : `(${plan.columns.map((c) => ident(c.name)).join(', ')})`
  const body = jsonBodyFrom(p, plan.payload?.raw ?? '[]', plan.columns, {
    includeSelect: true, limitOne: false, applyDefaults: plan.applyDefaults, isObject: plan.payload?.isObject ?? false,
  })
  const merge = plan.onConflict?.resolution === 'merge-duplicates'
  // PUT: the body's key must be the URL's (else no row, and the executor answers PGRST115).
  const put = plan.kind === 'upsert' ? plan.where.map((t) => fmtLogic(p, { kind: 'alias', name: 'pgrst_body' }, t)) : []
  const conds = [...(merge || put.length > 0 ? [inserted(true)] : []), ...put]
  const where = conds.length === 0 ? '' : ` WHERE ${conds.join(' AND ')}`
  return `INSERT INTO ${qualified(plan.table.schema, plan.table.name)}${cols} ${body}${where}${onConflict(plan)}${returning(plan)}`
}

/** Rows picked by a limited PATCH/DELETE are matched back on the order columns, as PostgREST does. */
function affectedRows(p: Params, plan: MutationPlan): { cte: string; match: string } {
  const ref = tableRef(plan)
  const ids = plan.order.filter((o): o is Extract<PlannedOrder, { kind: 'column' }> => o.kind === 'column').map((o) => o.field.name)
  const cte = `pgrst_affected_rows AS (SELECT ${ids.map((c) => fmtColumn(ref, c)).join(', ')} FROM ${fmtRef(ref)}${whereLogic(p, plan, ref)}${fmtOrder(p, ref, plan.order)}${fmtLimitOffset(p, plan.range)})`
  const match = ids.map((c) => `${fmtColumn(ref, c)} = ${fmtColumn({ kind: 'alias', name: 'pgrst_affected_rows' }, c)}`).join(' AND ')
  return { cte, match }
}

const isLimited = (plan: MutationPlan) => plan.range.offset !== 0 || plan.range.limit !== null

function updateQuery(p: Params, plan: MutationPlan): string {
  const ref = tableRef(plan)
  if (plan.columns.length === 0) {
    // Nothing to SET: select no rows, still shaped like the table so `select=` keeps working.
    const cols = plan.returning.length === 0 ? 'NULL' : plan.returning.map((c) => fmtColumn({ kind: 'alias', name: plan.table.name }, c)).join(', ')
    return `SELECT ${cols} FROM ${fmtRef(ref)} WHERE false`
  }
  const raw = plan.payload?.raw ?? '{}'
  const opts = { includeSelect: false, applyDefaults: plan.applyDefaults, isObject: plan.payload?.isObject ?? true }
  if (!isLimited(plan)) {
    const sets = plan.columns.map((c) => `${ident(c.name)} = "pgrst_body".${ident(c.name)}`).join(', ')
    return `UPDATE ${fmtRef(ref)} SET ${sets} ${jsonBodyFrom(p, raw, plan.columns, { ...opts, limitOne: false })}${whereLogic(p, plan, ref)}${returning(plan)}`
  }
  const body = `pgrst_update_body AS (${jsonBodyFrom(p, raw, plan.columns, { ...opts, includeSelect: true, limitOne: true })})`
  const { cte, match } = affectedRows(p, plan)
  const sets = plan.columns.map((c) => `${ident(c.name)} = (SELECT ${ident(c.name)} FROM pgrst_update_body)`).join(', ')
  return `WITH ${body}, ${cte} UPDATE ${fmtRef(ref)} SET ${sets} FROM pgrst_affected_rows WHERE ${match}${returning(plan)}`
}

function deleteQuery(p: Params, plan: MutationPlan): string {
  const ref = tableRef(plan)
  if (!isLimited(plan)) return `DELETE FROM ${fmtRef(ref)}${whereLogic(p, plan, ref)}${returning(plan)}`
  const { cte, match } = affectedRows(p, plan)
  return `WITH ${cte} DELETE FROM ${fmtRef(ref)} USING pgrst_affected_rows WHERE ${match}${returning(plan)}`
}

export function mutationQuery(p: Params, plan: MutationPlan): string {
  switch (plan.kind) {
    case 'insert':
    case 'upsert':
      return insertQuery(p, plan)
    case 'update':
      return updateQuery(p, plan)
    case 'delete':
      return deleteQuery(p, plan)
  }
}
