/**
 * planRead: ApiRequest + SchemaCache → ReadPlan. Mirrors PostgREST's readPlan pipeline: the select
 * tree with filters/orders/ranges attached by path, relationships found for every embed, then
 * columns, related orders, spreads and null-embed filters resolved; plus Floe's complexity limits.
 */
import { assertStrictPreferences } from '../parse/index.js'
import type { ApiRequest, Range, SelectItem } from '../parse/types.js'
import type { SchemaCache, Table } from '../schema-cache/types.js'
import { buildDraftTree, type DraftNode } from './draft-tree.js'
import { aggregatesNotAllowed, notEmbedded, relatedOrderNotToOne, spreadNotToOne, tableNotFound } from './errors.js'
import { findRelationship, isToOne } from './find-relationship.js'
import { checkLimits, DEFAULT_LIMITS, type PlanLimits } from './limits.js'
import {
  orderDirection, resolveLogic, resolveFilterLeaf, resolveOrderTerm, resolveRelatedOrderField, resolveSelect, type NodeScope,
} from './resolve.js'
import type { EmbedNode, JoinCondition, PlannedOrder, ReadPlan, ReadPlanNode, SqlRef } from './types.js'

export { DEFAULT_LIMITS, type PlanLimits }

export interface PlanContext {
  cache: SchemaCache
  /** The exposed schema the request addresses (Accept-Profile / Content-Profile). */
  schema: string
  limits?: Partial<PlanLimits>
}

export function getTable(ctx: PlanContext, name: string): Table {
  const table = ctx.cache.tables.get(`${ctx.schema}.${name}`)
  if (table === undefined) throw tableNotFound(ctx.cache, ctx.schema, name)
  return table
}

const hasAggregate = (items: readonly SelectItem[]): boolean =>
  items.some((i) => (i.type === 'field' ? i.aggregate !== undefined : hasAggregate(i.children)))

function capRange(range: Range, maxRows: number | undefined): Range {
  if (maxRows === undefined || range.limit === 0) return range
  return { offset: range.offset, limit: range.limit === null ? maxRows : Math.min(range.limit, maxRows) }
}

interface Walk {
  ctx: PlanContext
  maxRows?: number
}

function joinConditions(child: EmbedNode, parentRef: SqlRef): JoinCondition[] {
  const rel = child.relationship
  const pairs = (a: string[], b: string[]) => a.map((x, i) => [x, b[i] ?? ''] as const)
  if (rel.junction !== undefined && child.junction !== undefined) {
    const j = child.junction.ref
    return [
      ...pairs(rel.foreignColumns, rel.junction.targetColumns).map(([fc, jc]) => ({ left: { ref: j, column: jc }, right: { ref: child.ref, column: fc } })),
      ...pairs(rel.columns, rel.junction.sourceColumns).map(([c, jc]) => ({ left: { ref: j, column: jc }, right: { ref: parentRef, column: c } })),
    ]
  }
  return pairs(rel.columns, rel.foreignColumns).map(([c, fc]) => ({ left: { ref: child.ref, column: fc }, right: { ref: parentRef, column: c } }))
}

function planEmbed(walk: Walk, parent: Table, parentRef: SqlRef, draft: DraftNode): EmbedNode {
  const { ctx } = walk
  const rel = findRelationship(ctx.cache, ctx.schema, parent.name, draft.relName, draft.hint)
  const table = ctx.cache.tables.get(rel.foreignTable)
  if (table === undefined) throw tableNotFound(ctx.cache, ctx.schema, draft.relName)
  const toOne = isToOne(rel)
  if (draft.isSpread && !toOne) throw spreadNotToOne(parent.name, draft.relName)
  const ref: SqlRef = { kind: 'alias', name: `${table.name}_${draft.depth}` }
  const junctionTable = rel.junction === undefined ? undefined : ctx.cache.tables.get(rel.junction.table)
  const node = planNode(walk, table, ref, draft) as EmbedNode
  Object.assign(node, {
    relName: draft.relName,
    ...(draft.relAlias !== undefined && { relAlias: draft.relAlias }),
    aggAlias: `${parent.name}_${draft.relAlias ?? draft.relName}_${draft.depth}`,
    ...(draft.joinType !== undefined && { joinType: draft.joinType }),
    isSpread: draft.isSpread,
    isToOne: toOne,
    relationship: rel,
    ...(junctionTable !== undefined && { junction: { table: junctionTable, ref: { kind: 'alias', name: `${junctionTable.name}_${draft.depth}` } } }),
  })
  node.joinConditions = joinConditions(node, parentRef)
  return node
}

function planOrder(scope: NodeScope, table: Table, children: EmbedNode[], draft: DraftNode): PlannedOrder[] {
  return draft.order.map((term) => {
    if (term.relation === undefined) return resolveOrderTerm(scope, term)
    const child = children.find((c) => (c.relAlias ?? c.relName) === term.relation)
    if (child === undefined) throw notEmbedded(term.relation)
    if (!child.isToOne) throw relatedOrderNotToOne(table.name, term.relation)
    const outputs = new Set(child.select.flatMap((s) => [s.alias ?? s.field.name]))
    const field = resolveRelatedOrderField({ table: child.table, ref: { kind: 'alias', name: child.aggAlias }, embeds: new Map() }, outputs, term.field)
    return { kind: 'relation', aggAlias: child.aggAlias, field, ...orderDirection(term) }
  })
}

function planNode(walk: Walk, table: Table, ref: SqlRef, draft: DraftNode, fromSource = false): ReadPlanNode {
  const children = draft.children.map((c) => planEmbed(walk, table, ref, c))
  const scope: NodeScope = { table, ref, embeds: new Map(children.map((c) => [c.relAlias ?? c.relName, c.aggAlias])), ...(fromSource && { fromSource }) }
  return {
    table, ref, depth: draft.depth, children,
    select: draft.fields.map((f) => resolveSelect(scope, f)),
    where: [...draft.logic.map((t) => resolveLogic(scope, t)), ...draft.filters.map((f) => resolveFilterLeaf(scope, f))],
    order: planOrder(scope, table, children, draft),
    range: capRange(draft.range, walk.maxRows),
  }
}

export interface TreeOptions {
  /** Mutations and rpc read their rows from the `pgrst_source` CTE, aliased as the table. */
  fromSource: boolean
  isMutation: boolean
  /** Filters counted against the limit beyond the tree (a mutation's own WHERE). */
  extraFilters?: number
}

export function planReadTree(ctx: PlanContext, table: Table, request: ApiRequest, options: TreeOptions): ReadPlanNode {
  const limits = { ...DEFAULT_LIMITS, ...ctx.limits }
  const draft = buildDraftTree(table.name, request.query, { isMutation: options.isMutation, topRange: request.range })
  if (hasAggregate(request.query.select)) throw aggregatesNotAllowed()
  checkLimits(draft, limits, options.extraFilters ?? 0)
  const ref: SqlRef = options.fromSource ? { kind: 'alias', name: table.name } : { kind: 'table', schema: table.schema, name: table.name }
  const walk: Walk = { ctx, ...(!options.isMutation && limits.maxRows !== undefined && { maxRows: limits.maxRows }) }
  const root = planNode(walk, table, ref, draft, options.fromSource)
  return options.fromSource ? { ...root, fromSource: true } : root
}

export function planRead(ctx: PlanContext, tableName: string, request: ApiRequest): ReadPlan {
  const table = getTable(ctx, tableName)
  const root = planReadTree(ctx, table, request, { fromSource: false, isMutation: false })
  assertStrictPreferences(request.preferences)
  return {
    root, media: request.media, headersOnly: request.headersOnly,
    ...(request.preferences.count !== undefined && { count: request.preferences.count }),
  }
}
