/**
 * Builds a SchemaCache from a compact description, for the pure stages' unit tests. Relationships
 * are derived from foreign keys as the loader derives them: many-to-one / one-to-many from both
 * ends (one-to-one when the referencing columns are unique), many-to-many through a junction whose
 * two foreign keys are both part of its primary key.
 */
import type {
  Column, DbFunction, FunctionArg, QualifiedName, Relationship, SchemaCache, Table,
} from '../schema-cache/types.js'

/** `name type [pk] [null] [unique] [default=<expr>] [generated]` (`_` in a type and `~` in a default stand for spaces), e.g. `id int4 pk default=nextval('x')`. */
export type ColumnSpec = string

export interface TableSpec {
  columns: ColumnSpec[]
  kind?: Table['kind']
  /** Composite primary key; single-column keys can be marked `pk` on the column. */
  primaryKey?: string[]
  unique?: string[][]
}

export interface ForeignKeySpec {
  name: string
  /** `table(col, ...)` */
  from: string
  to: string
}

export interface FunctionSpec {
  name: string
  /** `name type [default]`; an empty name (`: json`) is an unnamed argument. */
  args?: string[]
  returns: string
  returnsSet?: boolean
  returnsTable?: string
  returnColumns?: { name: string; type: string }[]
  volatility?: DbFunction['volatility']
}

export interface CacheSpec {
  schema?: string
  tables: Record<string, TableSpec>
  foreignKeys?: ForeignKeySpec[]
  functions?: FunctionSpec[]
}

const UDT: Record<string, string> = {
  integer: 'int4', bigint: 'int8', smallint: 'int2', text: 'text', boolean: 'bool', jsonb: 'jsonb', json: 'json',
  numeric: 'numeric', date: 'date', uuid: 'uuid', 'timestamp with time zone': 'timestamptz', 'text[]': '_text',
  'integer[]': '_int4', tsvector: 'tsvector', int4range: 'int4range', 'double precision': 'float8',
}

function parseColumn(spec: ColumnSpec, position: number): { column: Column; pk: boolean; unique: boolean } {
  const [name = '', rawType = ''] = spec.split(/\s+/)
  const type = rawType.replace(/_/g, ' ')
  const flags = spec.split(/\s+/).slice(2)
  const def = flags.find((f) => f.startsWith('default='))?.slice(8).replace(/~/g, ' ') ?? null
  const column: Column = {
    name, type, udtName: UDT[type] ?? type.replace(/\(.*\)/, ''), typeKind: 'b', isArray: type.endsWith('[]'),
    nullable: flags.includes('null'), default: def, isGenerated: flags.includes('generated'), isIdentity: false,
    maxLength: null, enumValues: null, description: null, position,
  }
  return { column, pk: flags.includes('pk'), unique: flags.includes('unique') }
}

function buildTable(schema: string, name: string, spec: TableSpec): Table {
  const parsed = spec.columns.map((c, i) => parseColumn(c, i + 1))
  const columns = parsed.map((p) => p.column)
  const primaryKey = spec.primaryKey ?? parsed.filter((p) => p.pk).map((p) => p.column.name)
  const uniqueKeys = [...(spec.unique ?? []), ...parsed.filter((p) => p.unique).map((p) => [p.column.name])]
  const kind = spec.kind ?? 'table'
  // Fixture views are the non-updatable kind (e.g. with joins or aggregates).
  const writable = kind === 'table'
  return {
    schema, name, kind, insertable: writable, updatable: writable, deletable: writable, columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])), primaryKey, uniqueKeys, description: null,
  }
}

function parseRef(ref: string): { table: string; columns: string[] } {
  const m = /^([^(]+)\(([^)]*)\)$/.exec(ref)
  if (m === null) throw new Error(`bad fk reference ${ref}`)
  return { table: m[1] ?? '', columns: (m[2] ?? '').split(',').map((s) => s.trim()) }
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x))

function isUniqueOn(table: Table, cols: string[]): boolean {
  return sameSet(table.primaryKey, cols) || table.uniqueKeys.some((k) => sameSet(k, cols))
}

interface Fk {
  name: string
  table: QualifiedName
  columns: string[]
  foreignTable: QualifiedName
  foreignColumns: string[]
}

function directRelationships(fk: Fk, tables: Map<QualifiedName, Table>): Relationship[] {
  const src = tables.get(fk.table)
  const oneToOne = src !== undefined && isUniqueOn(src, fk.columns)
  const base = { constraintName: fk.name }
  return [
    { ...base, kind: oneToOne ? 'one-to-one' : 'many-to-one', table: fk.table, foreignTable: fk.foreignTable, columns: fk.columns, foreignColumns: fk.foreignColumns },
    { ...base, kind: oneToOne ? 'one-to-one' : 'one-to-many', table: fk.foreignTable, foreignTable: fk.table, columns: fk.foreignColumns, foreignColumns: fk.columns },
  ]
}

function junctionRelationships(fks: Fk[], tables: Map<QualifiedName, Table>): Relationship[] {
  const out: Relationship[] = []
  for (const a of fks) {
    for (const b of fks) {
      if (a === b || a.table !== b.table) continue
      const junction = tables.get(a.table)
      const pk = junction?.primaryKey ?? []
      if (![...a.columns, ...b.columns].every((c) => pk.includes(c))) continue
      out.push({
        kind: 'many-to-many', table: a.foreignTable, foreignTable: b.foreignTable, constraintName: b.name,
        columns: a.foreignColumns, foreignColumns: b.foreignColumns,
        junction: { table: a.table, sourceConstraint: a.name, sourceColumns: a.columns, targetConstraint: b.name, targetColumns: b.columns },
      })
    }
  }
  return out
}

function parseArg(spec: string): FunctionArg {
  const [name = '', type = '', flag] = spec.split(/\s+/)
  return { name: name === ':' ? '' : name, type, udtName: UDT[type] ?? type, hasDefault: flag === 'default', mode: 'in' }
}

function buildFunction(schema: string, spec: FunctionSpec, oid: number): DbFunction {
  return {
    schema, name: spec.name, oid, args: (spec.args ?? []).map(parseArg), returnType: spec.returns,
    returnsSet: spec.returnsSet ?? false,
    returnsTable: spec.returnsTable === undefined ? null : (`${schema}.${spec.returnsTable}` as QualifiedName),
    returnColumns: spec.returnColumns ?? null,
    returnsScalar: spec.returnsTable === undefined && spec.returnColumns === undefined,
    returnMedia: null,
    volatility: spec.volatility ?? 'volatile', description: null,
  }
}

export function buildSchemaCache(spec: CacheSpec): SchemaCache {
  const schema = spec.schema ?? 'public'
  const q = (name: string) => `${schema}.${name}` as QualifiedName
  const tables = new Map<QualifiedName, Table>(Object.entries(spec.tables).map(([n, t]) => [q(n), buildTable(schema, n, t)]))
  const fks: Fk[] = (spec.foreignKeys ?? []).map((f) => {
    const from = parseRef(f.from)
    const to = parseRef(f.to)
    return { name: f.name, table: q(from.table), columns: from.columns, foreignTable: q(to.table), foreignColumns: to.columns }
  })
  const relationships = new Map<QualifiedName, Relationship[]>()
  for (const rel of [...fks.flatMap((fk) => directRelationships(fk, tables)), ...junctionRelationships(fks, tables)]) {
    relationships.set(rel.table, [...(relationships.get(rel.table) ?? []), rel])
  }
  const functions = new Map<QualifiedName, DbFunction[]>()
  ;(spec.functions ?? []).forEach((f, i) => functions.set(q(f.name), [...(functions.get(q(f.name)) ?? []), buildFunction(schema, f, 1000 + i)]))
  return { schemas: [schema], tables, relationships, functions, pgVersion: 150000, readsRequestSettings: false, setsResponseSettings: true, loadedAt: new Date(0) }
}
