/**
 * Resolving names inside one node: columns (select, filter, order) against the node's table, casts
 * against a safe shape, and PostgREST's automatic aliases for JSON paths.
 */
import type { Field, Filter, LogicTree, OrderTerm, SelectField } from '../parse/types.js'
import type { Column, ComputedField, Table } from '../schema-cache/types.js'
import { invalidCast, undefinedColumn } from './errors.js'
import type { PlannedField, PlannedFilter, PlannedLogic, PlannedOrder, PlannedSelect, ReadPlanNode, SqlRef } from './types.js'

export interface NodeScope {
  table: Table
  ref: SqlRef
  /** Embedded children by their visible name (alias, else relation name) → lateral alias. */
  embeds: Map<string, string>
  /** The rows come from `pgrst_source`, where computed fields are already columns. */
  fromSource?: boolean
}

/** PostgREST does not know a computed field's type: a JSON path goes through to_jsonb(). */
function resolveComputed(scope: NodeScope, field: Field, computed: ComputedField): PlannedField {
  const planned: PlannedField = { name: field.name, jsonPath: field.jsonPath, toJson: field.jsonPath.length > 0 }
  return scope.fromSource === true ? planned : { ...planned, computed }
}

export function resolveField(scope: NodeScope, field: Field): PlannedField {
  if (field.name === '*') return { name: '*', jsonPath: field.jsonPath, toJson: false }
  const column = scope.table.columnsByName.get(field.name)
  if (column === undefined) {
    const computed = scope.table.computed?.get(field.name)
    if (computed !== undefined) return resolveComputed(scope, field, computed)
    throw undefinedColumn(scope.ref.name, scope.table.columns.map((c) => c.name), field.name)
  }
  // json/jsonb take arrows directly (and keep their indexes usable); anything else via to_jsonb().
  const isJson = column.udtName === 'json' || column.udtName === 'jsonb'
  return { name: field.name, jsonPath: field.jsonPath, toJson: field.jsonPath.length > 0 && !isJson, column }
}

const MULTI_WORD_TYPES = new Set([
  'double precision', 'character varying', 'bit varying', 'timestamp with time zone', 'timestamp without time zone',
  'time with time zone', 'time without time zone',
])

/**
 * PostgREST inlines casts unquoted (quoting breaks `int`, `bigint`...). The grammar already limits
 * them to letters, digits, `_`, `$` and spaces; we further require one word, or a known multi-word
 * type, so a cast can never be more than a type name.
 */
export function checkCast(cast: string): string {
  const c = cast.trim().replace(/\s+/g, ' ')
  if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(c) || MULTI_WORD_TYPES.has(c.toLowerCase())) return c
  throw invalidCast(cast)
}

/** PostgREST's addAliases: `data->a->>b` is named `b`; `data->0` keeps the last key (or `data`). */
function autoAlias(field: Field): string | undefined {
  const last = field.jsonPath[field.jsonPath.length - 1]
  if (last === undefined) return undefined
  if (last.operand.kind === 'key') return last.operand.value
  const lastKey = [...field.jsonPath].reverse().find((j) => j.operand.kind === 'key')
  return lastKey?.operand.value ?? field.name
}

export function resolveSelect(scope: NodeScope, item: SelectField): PlannedSelect {
  const alias = item.alias ?? autoAlias(item.field)
  return {
    field: resolveField(scope, item.field),
    ...(alias !== undefined && { alias }),
    ...(item.cast !== undefined && { cast: checkCast(item.cast) }),
  }
}

function resolveFilter(scope: NodeScope, filter: Filter): PlannedFilter {
  const embed = filter.field.jsonPath.length === 0 ? scope.embeds.get(filter.field.name) : undefined
  if (embed !== undefined && filter.operation.kind === 'is' && filter.operation.value === 'null') {
    return { kind: 'null-embed', negated: filter.negated, aggAlias: embed }
  }
  const field = resolveField(scope, filter.field)
  // PostgREST searches a text/json/jsonb column (any but a tsvector) through to_tsvector(), with
  // the operator's config; a computed field is taken as it is.
  const toTsVector = filter.operation.kind === 'fts' && field.column !== undefined && !isTsvector(field.column)
  return { kind: 'op', field, negated: filter.negated, operation: filter.operation, ...(toTsVector && { toTsVector: true as const }) }
}

const isTsvector = (column: Column) => (column.baseUdtName ?? column.udtName) === 'tsvector'

export function resolveLogic(scope: NodeScope, tree: LogicTree): PlannedLogic {
  if (tree.type === 'filter') return { type: 'filter', filter: resolveFilter(scope, tree.filter) }
  return { type: 'expr', negated: tree.negated, operator: tree.operator, children: tree.children.map((c) => resolveLogic(scope, c)) }
}

export const resolveFilterLeaf = (scope: NodeScope, filter: Filter): PlannedLogic => ({ type: 'filter', filter: resolveFilter(scope, filter) })

export type OrderDirection = Pick<OrderTerm, 'direction' | 'nulls'>

export const orderDirection = (term: OrderTerm): OrderDirection => ({
  ...(term.direction !== undefined && { direction: term.direction }),
  ...(term.nulls !== undefined && { nulls: term.nulls }),
})

export function resolveOrderTerm(scope: NodeScope, term: OrderTerm): PlannedOrder {
  return { kind: 'column', field: resolveField(scope, term.field), ...orderDirection(term) }
}

/**
 * `order=director(name)` reads the embed's output column from its lateral row: one of the names
 * the embed outputs (its aliases, its columns, all columns under `*`), nothing else.
 */
export function resolveRelatedOrderField(child: NodeScope, outputs: Set<string>, field: Field): PlannedField {
  const column = child.table.columnsByName.get(field.name)
  if (!outputs.has(field.name) && !(outputs.has('*') && column !== undefined)) {
    throw undefinedColumn(child.ref.name, [...outputs].filter((o) => o !== '*'), field.name)
  }
  const isJson = column !== undefined && (column.udtName === 'json' || column.udtName === 'jsonb')
  return { name: field.name, jsonPath: field.jsonPath, toJson: field.jsonPath.length > 0 && column !== undefined && !isJson }
}

/**
 * The computed fields a `pgrst_source` node reads (select, filters, order): the statement that
 * fills `pgrst_source` (RETURNING, the rpc's SELECT) must compute them under these names.
 */
export function sourceComputedNames(root: ReadPlanNode): string[] {
  const computed = root.table.computed
  if (computed === undefined) return []
  const logicNames = (t: PlannedLogic): string[] =>
    t.type === 'expr' ? t.children.flatMap(logicNames) : t.filter.kind === 'op' ? [t.filter.field.name] : []
  const names = [
    ...root.select.map((s) => s.field.name),
    ...root.where.flatMap(logicNames),
    ...root.order.flatMap((o) => (o.kind === 'column' ? [o.field.name] : [])),
  ]
  return [...new Set(names.filter((n) => computed.has(n) && !root.table.columnsByName.has(n)))]
}

/** `*` returns every column but no computed field: those the read needs are added by name. */
export function withComputed(returning: string[], root: ReadPlanNode): string[] {
  const missing = sourceComputedNames(root).filter((n) => !returning.includes(n))
  return missing.length === 0 ? returning : [...returning, ...missing]
}
