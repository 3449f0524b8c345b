/**
 * planMutation: POST / PATCH / PUT / DELETE on a table → MutationPlan, as PostgREST's mutatePlan.
 * Written columns must exist (PGRST204); PUT must be filtered by exactly its primary key with `eq`
 * (PGRST105); RETURNING carries what the response's `select=` and its embeds need.
 */
import { ApiError } from '../../errors/index.js'
import { assertStrictPreferences } from '../parse/index.js'
import type { ApiRequest } from '../parse/types.js'
import type { Column, Table } from '../schema-cache/types.js'
import { columnNotFound } from './errors.js'
import { getTable, planReadTree, type PlanContext } from './read-plan.js'
import { resolveFilterLeaf, resolveLogic, resolveOrderTerm, withComputed, type NodeScope } from './resolve.js'
import type { MutationKind, MutationPlan, PlannedLogic, PlannedOrder, ReadPlanNode } from './types.js'

const KIND: Partial<Record<ApiRequest['action'], MutationKind>> = { create: 'insert', update: 'update', upsert: 'upsert', delete: 'delete' }

function writtenColumns(table: Table, names: string[]): Column[] {
  return names.map((name) => {
    const column = table.columnsByName.get(name)
    if (column === undefined) throw columnNotFound(table, name)
    return column
  })
}

/** PostgREST's inferColsEmbedNeeds: selected columns, the fk columns embeds join on, and the pk. */
function returningColumns(read: ReadPlanNode, pk: string[]): string[] {
  const selected = read.select.map((s) => s.field.name)
  if (selected.includes('*') || (read.select.length === 0 && read.children.length === 0)) return ['*']
  const fkCols = read.children.flatMap((c) => c.relationship.columns)
  return [...new Set([...selected, ...fkCols, ...pk])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

function checkPutFilters(request: ApiRequest, table: Table): void {
  const { filters, logic } = request.query
  const fields = new Set(filters.map((f) => [...f.path, f.filter.field.name].join('.')))
  const pk = new Set(table.primaryKey)
  const allEq = filters.every((f) => !f.filter.negated && f.filter.operation.kind === 'quant' && f.filter.operation.op === 'eq' && f.filter.operation.quantifier === undefined)
  const ok = logic.length === 0 && pk.size > 0 && fields.size === pk.size && [...fields].every((f) => pk.has(f)) && allEq
  if (!ok) {
    throw new ApiError('PGRST105', { message: "Filters must include all and only primary key columns with 'eq' operators", details: null, hint: null })
  }
}

function onConflictColumns(table: Table, names: string[] | undefined): string[] {
  const cols = names ?? table.primaryKey
  for (const c of cols) {
    // Postgres' own answer for an unknown conflict target; we never send the name.
    if (!table.columnsByName.has(c)) throw new ApiError({ passThrough: '42703', status: 400 }, { message: `column "${c}" does not exist`, details: null, hint: null })
  }
  return cols
}

function rootWhere(scope: NodeScope, request: ApiRequest): PlannedLogic[] {
  const filters = request.query.filters.filter((f) => f.path.length === 0).map((f) => resolveFilterLeaf(scope, f.filter))
  const logic = request.query.logic.filter((l) => l.path.length === 0).map((l) => resolveLogic(scope, l.tree))
  return [...filters, ...logic]
}

function rootOrder(scope: NodeScope, request: ApiRequest): PlannedOrder[] {
  const terms = request.query.order.find((o) => o.path.length === 0)?.terms ?? []
  return terms.filter((t) => t.relation === undefined).map((t) => resolveOrderTerm(scope, t))
}

const VERB: Record<MutationKind, { flag: 'insertable' | 'updatable' | 'deletable'; words: string }> = {
  insert: { flag: 'insertable', words: 'insert into' },
  upsert: { flag: 'insertable', words: 'insert into' },
  update: { flag: 'updatable', words: 'update' },
  delete: { flag: 'deletable', words: 'delete from' },
}

/**
 * A view Postgres cannot write through fails with 55000, which PostgREST answers as a 500. It is
 * the client's request that cannot be served, so Floe answers 405 with Postgres' own words.
 */
function checkWritable(table: Table, kind: MutationKind): void {
  const { flag, words } = VERB[kind]
  if (table.kind === 'table' || table.kind === 'partitioned_table' || table[flag]) return
  throw new ApiError({ passThrough: '55000', status: 405 }, { message: `cannot ${words} view "${table.name}"`, details: null, hint: null })
}

export function planMutation(ctx: PlanContext, tableName: string, request: ApiRequest): MutationPlan {
  const kind = KIND[request.action]
  if (kind === undefined) throw new Error(`planMutation called for ${request.action}`)
  const table = getTable(ctx, tableName)
  checkWritable(table, kind)
  if (kind === 'upsert') checkPutFilters(request, table)
  const scope: NodeScope = { table, ref: { kind: 'table', schema: table.schema, name: table.name }, embeds: new Map() }
  const where = rootWhere(scope, request)
  const columns = kind === 'delete' ? [] : writtenColumns(table, request.columns)
  const root = planReadTree(ctx, table, request, { fromSource: true, isMutation: true, extraFilters: where.length })
  assertStrictPreferences(request.preferences)
  const prefs = request.preferences
  const wantsRows = prefs.return === 'representation' || prefs.return === 'headers-only'
  const resolution = kind === 'upsert' ? 'merge-duplicates' : prefs.resolution
  const conflictCols = kind === 'insert' || kind === 'upsert' ? onConflictColumns(table, kind === 'upsert' ? undefined : request.query.onConflict) : []
  return {
    kind, table, columns, where,
    ...(request.payload !== undefined && { payload: request.payload }),
    order: rootOrder(scope, request),
    range: request.range,
    ...(resolution !== undefined && conflictCols.length > 0 && { onConflict: { resolution, columns: conflictCols } }),
    applyDefaults: kind !== 'upsert' && prefs.missing === 'default',
    returning: wantsRows ? withComputed(returningColumns(root, table.primaryKey), root) : [],
    returnRepresentation: prefs.return === 'representation',
    wantsLocation: kind === 'insert' && prefs.return === 'headers-only',
    read: { root, media: request.media, headersOnly: prefs.return !== 'representation', ...(prefs.count !== undefined && { count: prefs.count }) },
  }
}
