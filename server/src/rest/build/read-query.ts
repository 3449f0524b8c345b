/**
 * A read plan tree as one SELECT (PostgREST's readPlanToQuery): each embed is a lateral subquery,
 * `row_to_json` for to-one, `json_agg` for to-many, its columns in the parent's list for a spread;
 * plus the count query (readPlanToCountQuery), where `!inner` embeds become EXISTS.
 */
import type { EmbedNode, JoinCondition, PlannedFilter, ReadPlanNode, SqlRef } from '../plan/types.js'
import { fmtFilter, fmtLimitOffset, fmtLogic, fmtOrder, fmtSelect } from './fragments.js'
import { fmtColumn, fmtRef, ident, qualified, type Params } from './sql.js'

/** An embed that selects nothing (`director!inner()`) still joins, for filtering, but adds no key. */
function isEmptyEmbed(node: ReadPlanNode): boolean {
  return node.select.length === 0 && node.children.every(isEmptyEmbed)
}

function spreadColumns(node: EmbedNode): string[] {
  const alias = node.aggAlias
  const own = node.select.map((s) => (s.field.name === '*' && s.alias === undefined ? `${ident(alias)}.*` : `${ident(alias)}.${ident(s.alias ?? s.field.name)}`))
  const nested = node.children.flatMap((c) => (c.isSpread ? spreadColumns(c) : isEmptyEmbed(c) ? [] : [`${ident(alias)}.${ident(c.relAlias ?? c.relName)}`]))
  return [...own, ...nested]
}

function joinSelect(child: EmbedNode): string[] {
  const alias = ident(child.aggAlias)
  if (child.isSpread) return spreadColumns(child)
  if (isEmptyEmbed(child)) return []
  const name = ident(child.relAlias ?? child.relName)
  return [child.isToOne ? `row_to_json(${alias}.*)::jsonb AS ${name}` : `COALESCE(${alias}.${alias}, '[]') AS ${name}`]
}

function fromClause(node: ReadPlanNode): string {
  if (node.fromSource) return `FROM "pgrst_source" AS ${fmtRef(node.ref)}`
  const own = node.ref.kind === 'table' ? fmtRef(node.ref) : `${qualified(node.table.schema, node.table.name)} AS ${fmtRef(node.ref)}`
  const junction = 'junction' in node && (node as EmbedNode).junction
  return `FROM ${own}${junction ? `, ${qualified(junction.table.schema, junction.table.name)} AS ${fmtRef(junction.ref)}` : ''}`
}

const fmtJoinCondition = (c: JoinCondition) => `${fmtColumn(c.left.ref, c.left.column)} = ${fmtColumn(c.right.ref, c.right.column)}`

function lateralJoin(p: Params, child: EmbedNode): string {
  const alias = ident(child.aggAlias)
  const kind = child.joinType === 'inner' ? 'INNER' : 'LEFT'
  const sub = readQuery(p, child)
  if (child.isToOne) return ` ${kind} JOIN LATERAL (${sub}) AS ${alias} ON TRUE`
  const agg = `SELECT json_agg(${alias})::jsonb AS ${alias} FROM (${sub}) AS ${alias}`
  return ` ${kind} JOIN LATERAL (${agg}) AS ${alias} ON ${child.joinType === 'inner' ? `${alias} IS NOT NULL` : 'TRUE'}`
}

function whereClause(p: Params, node: ReadPlanNode, leaf?: (p: Params, ref: SqlRef, f: PlannedFilter) => string): string {
  const conds = [
    ...node.where.map((t) => fmtLogic(p, node.ref, t, leaf)),
    ...('joinConditions' in node ? (node as EmbedNode).joinConditions.map(fmtJoinCondition) : []),
  ]
  return conds.length === 0 ? '' : ` WHERE ${conds.join(' AND ')}`
}

export function readQuery(p: Params, node: ReadPlanNode): string {
  // Placeholders are numbered in text order, so the fragments are built left to right.
  const own = node.select.length === 0 && node.children.length === 0 ? [`${fmtRef(node.ref)}.*`] : node.select.map((s) => fmtSelect(p, node.ref, s))
  const selects = [...own, ...node.children.flatMap(joinSelect)]
  const joins = node.children.map((c) => lateralJoin(p, c)).join('')
  const where = whereClause(p, node)
  const order = fmtOrder(p, node.ref, node.order)
  return `SELECT ${selects.join(', ')} ${fromClause(node)}${joins}${where}${order}${fmtLimitOffset(p, node.range)}`
}

/**
 * The rows the page is cut from: root filters only, no LIMIT, `SELECT 1` so no column expression
 * runs. `!inner` embeds and null-embed filters change which rows count, so they become EXISTS.
 */
export function countQuery(p: Params, node: ReadPlanNode): string {
  const byAlias = new Map(node.children.map((c) => [c.aggAlias, c]))
  const leaf = (q: Params, ref: SqlRef, f: PlannedFilter): string => {
    if (f.kind !== 'null-embed') return fmtFilter(q, ref, f)
    const child = byAlias.get(f.aggAlias)
    return child === undefined ? 'TRUE' : `${f.negated ? '' : 'NOT '}EXISTS (${countQuery(q, child)})`
  }
  const where = whereClause(p, node, leaf)
  const inner = node.children.filter((c) => c.joinType === 'inner').map((c) => `EXISTS (${countQuery(p, c)})`)
  const conds = [where.replace(/^ WHERE /, ''), ...inner].filter((c) => c !== '')
  return `SELECT 1 ${fromClause(node)}${conds.length === 0 ? '' : ` WHERE ${conds.join(' AND ')}`}`
}
