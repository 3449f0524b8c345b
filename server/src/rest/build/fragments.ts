/**
 * SQL fragments shared by every statement: fields with JSON paths, filters with each operator,
 * logic trees, ORDER BY, LIMIT/OFFSET. Shapes follow PostgREST's SqlFragment.hs. Values are bound
 * untyped: Postgres infers each from the column it meets (`id = $1` on an integer column makes
 * `$1` an integer, so `id=eq.abc` fails with 22P02 exactly as under PostgREST).
 */
import type { Operation, Range } from '../parse/types.js'
import type { PlannedField, PlannedFilter, PlannedLogic, PlannedOrder, PlannedSelect, SqlRef } from '../plan/types.js'
import type { Table } from '../schema-cache/types.js'
import { fmtColumn, ident, qualified, type Params } from './sql.js'

function fmtJsonPath(p: Params, field: PlannedField): string {
  return field.jsonPath
    .map((j) => `${j.arrow}${j.operand.kind === 'key' ? p.add(j.operand.value) : `${p.add(j.operand.value)}::int`}`)
    .join('')
}

/** A computed field as an explicit call on the whole row, whatever the session's search_path. */
const fmtComputed = (ref: SqlRef, schema: string, fn: string) => `${qualified(schema, fn)}(${fmtColumn(ref, '*')})`

export function fmtField(p: Params, ref: SqlRef, field: PlannedField): string {
  const column = field.computed === undefined ? fmtColumn(ref, field.name) : fmtComputed(ref, field.computed.schema, field.computed.name)
  if (field.jsonPath.length === 0) return column
  return `${field.toJson ? `to_jsonb(${column})` : column}${fmtJsonPath(p, field)}`
}

export function fmtSelect(p: Params, ref: SqlRef, s: PlannedSelect): string {
  const field = fmtField(p, ref, s.field)
  const cast = s.cast === undefined ? field : `CAST(${field} AS ${s.cast})`
  return s.alias === undefined ? cast : `${cast} AS ${ident(s.alias)}`
}

const SIMPLE: Record<string, string> = { neq: '<>', cs: '@>', cd: '<@', ov: '&&', sl: '<<', sr: '>>', nxr: '&<', nxl: '&>', adj: '-|-' }
const QUANT: Record<string, string> = { eq: '=', gte: '>=', gt: '>', lte: '<=', lt: '<', like: 'like', ilike: 'ilike', match: '~', imatch: '~*' }
const FTS: Record<string, string> = { fts: 'to_tsquery', plfts: 'plainto_tsquery', phfts: 'phraseto_tsquery', wfts: 'websearch_to_tsquery' }

/** PostgREST builds `{"a","b"}` itself so `= ANY($1)` takes one parameter whatever the list length. */
export function pgArrayLiteral(values: string[]): string {
  const esc = (v: string) => `"${(v.split('\0')[0] ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  return `{${values.map(esc).join(',')}}`
}

function fmtOperation(p: Params, op: Operation): string {
  switch (op.kind) {
    case 'simple':
      return `${SIMPLE[op.op]} ${p.add(op.value)}`
    case 'quant': {
      // like/ilike take `*` as the wildcard in URLs, where `%` is awkward.
      const value = op.op === 'like' || op.op === 'ilike' ? op.value.replace(/\*/g, '%') : op.value
      const param = p.add(value)
      return `${QUANT[op.op]} ${op.quantifier === undefined ? param : `${op.quantifier.toUpperCase()}(${param})`}`
    }
    case 'is':
      return `IS ${op.value === 'not_null' ? 'NOT NULL' : op.value.toUpperCase()}`
    case 'isdistinct':
      return `IS DISTINCT FROM ${p.add(op.value)}`
    case 'in':
      return `= ANY(${p.add(op.values.length === 1 && op.values[0] === '' ? '{}' : pgArrayLiteral(op.values))})`
    case 'fts':
      return `@@ ${FTS[op.op]}(${op.language === undefined ? '' : `${p.add(op.language)}, `}${p.add(op.value)})`
  }
}

export function fmtFilter(p: Params, ref: SqlRef, f: PlannedFilter): string {
  if (f.kind === 'null-embed') return `${ident(f.aggAlias)} IS ${f.negated ? '' : 'NOT '}DISTINCT FROM NULL`
  const op = f.operation
  // Left to right: the config's placeholder comes before the field's JSON path ones.
  const lang = f.toTsVector === true && op.kind === 'fts' && op.language !== undefined ? `${p.add(op.language)}, ` : ''
  const field = fmtField(p, ref, f.field)
  const expr = `${f.toTsVector === true ? `to_tsvector(${lang}${field})` : field} ${fmtOperation(p, op)}`
  return f.negated ? `NOT ${expr}` : expr
}

export function fmtLogic(p: Params, ref: SqlRef, t: PlannedLogic, leaf = fmtFilter): string {
  if (t.type === 'filter') return leaf(p, ref, t.filter)
  const inner = t.children.map((c) => fmtLogic(p, ref, c, leaf)).join(t.operator === 'and' ? ' AND ' : ' OR ')
  return `${t.negated ? 'NOT ' : ''}(${inner})`
}

export function fmtOrder(p: Params, ref: SqlRef, terms: PlannedOrder[]): string {
  if (terms.length === 0) return ''
  const fmt = (o: PlannedOrder) => {
    const field = o.kind === 'column' ? fmtField(p, ref, o.field) : fmtField(p, { kind: 'alias', name: o.aggAlias }, o.field)
    const dir = o.direction === undefined ? '' : ` ${o.direction.toUpperCase()}`
    const nulls = o.nulls === undefined ? '' : ` NULLS ${o.nulls.toUpperCase()}`
    return `${field}${dir}${nulls}`
  }
  return ` ORDER BY ${terms.map(fmt).join(', ')}`
}

export function fmtLimitOffset(p: Params, range: Range): string {
  if (range.offset === 0 && range.limit === null) return ''
  return ` LIMIT ${range.limit === null ? 'ALL' : p.add(range.limit)} OFFSET ${p.add(range.offset)}`
}

/**
 * One RETURNING / source column by name: a computed field of `table` is computed here, under its
 * name, for the read over `pgrst_source` to find.
 */
export function fmtSourceColumn(ref: SqlRef, table: Table, name: string): string {
  const computed = name === '*' || table.columnsByName.has(name) ? undefined : table.computed?.get(name)
  return computed === undefined ? fmtColumn(ref, name) : `${fmtComputed(ref, computed.schema, computed.name)} AS ${ident(name)}`
}
