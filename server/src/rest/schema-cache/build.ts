/**
 * From the catalog document (catalog-query.ts) to the SchemaCache. Pure: no I/O, so the shape
 * rules (view keys, which functions are callable) can be read and tested apart from Postgres.
 */
import type { RawCatalog, RawColumn, RawFunction, RawFunctionArg, RawKey, RawRelation } from './catalog-query.js'
import { attachComputedFields } from './computed-fields.js'
import { buildRelationships, type ViewDependencies } from './relationships.js'
import type { Column, DbFunction, FunctionArg, QualifiedName, SchemaCache, Table } from './types.js'
import { resolveViewOrigins } from './view-columns.js'

const TABLE_KINDS = {
  r: 'table',
  v: 'view',
  m: 'materialized_view',
  f: 'foreign_table',
  p: 'partitioned_table',
} as const satisfies Record<RawRelation['kind'], Table['kind']>

// pg_relation_is_updatable's bits are 1 << CmdType.
const CAN_UPDATE = 4
const CAN_INSERT = 8
const CAN_DELETE = 16

function toColumn(c: RawColumn): Column {
  return {
    name: c.name,
    type: c.type,
    udtName: c.udt_name,
    ...(c.base_udt_name !== null && { baseUdtName: c.base_udt_name }),
    typeKind: c.type_kind,
    isArray: c.is_array,
    nullable: c.nullable,
    default: c.default,
    isGenerated: c.is_generated,
    isIdentity: c.is_identity,
    maxLength: c.max_length,
    enumValues: c.enum_values,
    description: c.description,
    position: c.position,
  }
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(item)
    else out.set(k, [item])
  }
  return out
}

function toTable(rel: RawRelation, columns: RawColumn[], keys: RawKey[]): Table {
  const cols = columns.map(toColumn)
  const unique = new Map<string, string[]>()
  for (const key of keys) if (!key.is_primary) unique.set(JSON.stringify(key.names), key.names)
  return {
    schema: rel.schema,
    name: rel.name,
    kind: TABLE_KINDS[rel.kind],
    insertable: (rel.updatable_bits & CAN_INSERT) !== 0,
    updatable: (rel.updatable_bits & CAN_UPDATE) !== 0,
    deletable: (rel.updatable_bits & CAN_DELETE) !== 0,
    columns: cols,
    columnsByName: new Map(cols.map((c) => [c.name, c])),
    primaryKey: keys.find((k) => k.is_primary)?.names ?? [],
    uniqueKeys: [...unique.values()],
    description: rel.description,
  }
}

/** Per exposed view: base table → base column → the view columns showing it. */
function viewDependencies(catalog: RawCatalog, tablesByOid: Map<number, Table>): ViewDependencies[] {
  const origins = resolveViewOrigins(catalog.views)
  const out: ViewDependencies[] = []
  for (const [oid, table] of tablesByOid) {
    const byResno = origins.get(oid)
    if (!byResno || (table.kind !== 'view' && table.kind !== 'materialized_view')) continue
    const bases = new Map<number, Map<number, string[]>>()
    for (const column of table.columns) {
      const origin = byResno.get(column.position)
      if (!origin) continue
      const byAttnum = bases.get(origin.relid) ?? new Map<number, string[]>()
      byAttnum.set(origin.attnum, [...(byAttnum.get(origin.attnum) ?? []), column.name])
      bases.set(origin.relid, byAttnum)
    }
    out.push({ oid, name: `${table.schema}.${table.name}`, bases })
  }
  return out
}

/** A view shows all of a base table's primary key: the view's key is those columns (the first
 *  view column when one is shown twice), concatenated over its base tables, as PostgREST does. */
function inferViewPrimaryKey(view: ViewDependencies, pkByOid: Map<number, RawKey>): string[] {
  const key: string[] = []
  for (const [baseOid, byAttnum] of view.bases) {
    const pk = pkByOid.get(baseOid)
    if (!pk || !pk.attnums.every((n) => byAttnum.has(n))) continue
    for (const attnum of pk.attnums) key.push(byAttnum.get(attnum)![0]!)
  }
  return key
}

// PostgREST calls a function whose one argument is unnamed with the raw request body.
const UNNAMED_ARG_TYPES = new Set(['bytea', 'json', 'jsonb', 'text', 'xml'])
const ARG_MODES = { i: 'in', b: 'inout', v: 'variadic' } as const

/** PostgREST's rule: all arguments named, or exactly one unnamed that is the first and takes a body type. */
function isCallable(inputs: RawFunctionArg[]): boolean {
  const unnamed = inputs.filter((a) => a.name === '')
  if (unnamed.length === 0) return true
  return unnamed.length === 1 && inputs[0]?.name === '' && UNNAMED_ARG_TYPES.has(inputs[0].type)
}

function toFunction(f: RawFunction, tables: Map<QualifiedName, Table>): DbFunction | undefined {
  const all = f.args ?? []
  const inputs = all.filter((a): a is RawFunctionArg & { mode: 'i' | 'b' | 'v' } => a.mode in ARG_MODES)
  if (!isCallable(inputs)) return undefined
  const outputs = all.filter((a) => a.mode === 'o' || a.mode === 'b' || a.mode === 't')
  const firstDefault = f.nargs - f.ndefaults
  const args: FunctionArg[] = inputs.map((a, i) => ({
    name: a.name,
    type: a.type,
    udtName: a.udt_name,
    hasDefault: i >= firstDefault,
    mode: ARG_MODES[a.mode],
  }))
  const relName: QualifiedName | null = f.return_rel_schema ? `${f.return_rel_schema}.${f.return_rel_name}` : null
  const returnsTable = relName && tables.has(relName) ? relName : null
  const returnColumns =
    outputs.length > 0
      ? outputs.map((a) => ({ name: a.name, type: a.type }))
      : f.return_kind === 'c' && !returnsTable
        ? f.return_type_columns
        : null
  return {
    schema: f.schema,
    name: f.name,
    oid: f.oid,
    args,
    returnType: f.returns_set ? `SETOF ${f.return_type}` : f.return_type,
    returnsSet: f.returns_set,
    returnsTable,
    returnColumns,
    returnsScalar: returnsTable === null && returnColumns === null,
    returnMedia: f.return_media_type === null ? null : { type: f.return_media_type, binary: f.return_binary },
    volatility: f.volatility === 'i' ? 'immutable' : f.volatility === 's' ? 'stable' : 'volatile',
    description: f.description,
  }
}

export function buildSchemaCache(catalog: RawCatalog, schemas: string[], loadedAt = new Date()): SchemaCache {
  const columnsByRel = groupBy(catalog.columns, (c) => c.relid)
  const keysByRel = groupBy(catalog.keys, (k) => k.relid)
  const tables = new Map<QualifiedName, Table>()
  const tablesByOid = new Map<number, Table>()
  for (const rel of catalog.relations) {
    const table = toTable(rel, columnsByRel.get(rel.oid) ?? [], keysByRel.get(rel.oid) ?? [])
    tables.set(`${rel.schema}.${rel.name}`, table)
    tablesByOid.set(rel.oid, table)
  }
  attachComputedFields(catalog.functions, tablesByOid)
  const views = viewDependencies(catalog, tablesByOid)
  const pkByOid = new Map(catalog.keys.filter((k) => k.is_primary).map((k) => [k.relid, k]))
  for (const view of views) tablesByOid.get(view.oid)!.primaryKey = inferViewPrimaryKey(view, pkByOid)
  const exposed = new Set(schemas)
  const relationships = buildRelationships({
    foreignKeys: catalog.foreignKeys,
    keys: catalog.keys,
    views,
    primaryKeys: new Map([...tablesByOid].map(([oid, t]) => [oid, t.primaryKey])),
    isExposedSchema: (s) => exposed.has(s),
  })
  const functions = new Map<QualifiedName, DbFunction[]>()
  for (const raw of catalog.functions) {
    const fn = toFunction(raw, tables)
    if (!fn) continue
    const key: QualifiedName = `${fn.schema}.${fn.name}`
    functions.set(key, [...(functions.get(key) ?? []), fn])
  }
  for (const list of functions.values()) list.sort((a, b) => a.args.length - b.args.length || a.oid - b.oid)
  return { schemas: [...schemas], tables, relationships, functions, pgVersion: catalog.pgVersion, readsRequestSettings: catalog.readsRequestSettings === true, setsResponseSettings: catalog.setsResponseSettings === true, loadedAt }
}
