/**
 * The OpenAPI 3.1 description of the live schema served at `GET /rest/v1/`: a path per table or
 * view with its verbs (as the table allows them), its columns as a schema, PostgREST's query
 * parameters (select, filters per column, order, limit/offset, Prefer, Range), and a path per
 * function under /rpc. Pure: built from the schema cache on each reload, cached by the caller.
 */
import type { Column, DbFunction, SchemaCache, Table } from './schema-cache/types.js'

type Json = Record<string, unknown>

/** JSON Schema for a Postgres type, by its base name (arrays by the `_` prefix). */
export function jsonSchemaForType(udtName: string, isArray = udtName.startsWith('_'), enumValues: string[] | null = null): Json {
  if (isArray) return { type: 'array', items: jsonSchemaForType(udtName.replace(/^_/, ''), false) }
  if (enumValues) return { type: 'string', enum: enumValues }
  switch (udtName) {
    case 'int2':
    case 'int4':
      return { type: 'integer' }
    case 'int8':
      return { type: 'integer', format: 'int64' }
    case 'float4':
    case 'float8':
      return { type: 'number' }
    case 'numeric':
      return { type: 'number', format: 'numeric' }
    case 'bool':
      return { type: 'boolean' }
    case 'json':
    case 'jsonb':
      return {}
    case 'uuid':
      return { type: 'string', format: 'uuid' }
    case 'date':
      return { type: 'string', format: 'date' }
    case 'timestamptz':
    case 'timestamp':
      return { type: 'string', format: 'date-time' }
    default:
      return { type: 'string', format: udtName }
  }
}

function columnSchema(col: Column, table: Table): Json {
  const s: Json = { ...jsonSchemaForType(col.udtName, col.isArray, col.enumValues), 'x-pg-type': col.type }
  const notes: string[] = []
  if (table.primaryKey.includes(col.name)) notes.push('Primary key: <pk/>')
  if (col.description) notes.push(col.description)
  if (notes.length) s.description = notes.join('\n')
  if (col.default !== null) s.default = col.default
  if (col.maxLength !== null) s.maxLength = col.maxLength
  if (col.isGenerated) s.readOnly = true
  return col.nullable ? { anyOf: [s, { type: 'null' }] } : s
}

const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` })

const COMMON_PARAMETERS: Record<string, Json> = {
  select: { name: 'select', in: 'query', description: 'Columns and embedded resources, e.g. `id,title,director:directors(name)`', schema: { type: 'string' } },
  order: { name: 'order', in: 'query', description: 'e.g. `created_at.desc.nullslast,id`', schema: { type: 'string' } },
  limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0 } },
  offset: { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
  on_conflict: { name: 'on_conflict', in: 'query', description: 'Unique columns for an upsert', schema: { type: 'string' } },
  columns: { name: 'columns', in: 'query', description: 'Keys of the body to insert', schema: { type: 'string' } },
  range: { name: 'Range', in: 'header', description: 'e.g. `0-24`', schema: { type: 'string' } },
  rangeUnit: { name: 'Range-Unit', in: 'header', schema: { type: 'string', default: 'items' } },
  prefer: {
    name: 'Prefer',
    in: 'header',
    description: 'return=representation|minimal|headers-only, count=exact|planned|estimated, resolution=merge-duplicates|ignore-duplicates, missing=default, tx=rollback',
    schema: { type: 'string' },
  },
}

const FILTER_HELP = 'PostgREST filter: `op.value`, e.g. `eq.5`, `in.(1,2)`, `is.null`, `not.like.*x*`'

function filterParams(table: Table): Json[] {
  return table.columns.map((c) => ({ name: c.name, in: 'query', required: false, description: FILTER_HELP, schema: { type: 'string' } }))
}

function ok(schemaRef: string, description: string): Json {
  return { description, content: { 'application/json': { schema: { type: 'array', items: { $ref: schemaRef } } }, 'text/csv': { schema: { type: 'string' } } } }
}

function tablePath(key: string, table: Table): Json {
  const schemaRef = `#/components/schemas/${key}`
  const filters = filterParams(table)
  const body = { required: true, content: { 'application/json': { schema: { oneOf: [{ $ref: schemaRef }, { type: 'array', items: { $ref: schemaRef } }] } } } }
  const path: Json = {
    get: {
      tags: [key],
      summary: table.description ?? `Read ${table.name}`,
      parameters: [ref('select'), ...filters, ref('order'), ref('limit'), ref('offset'), ref('range'), ref('rangeUnit'), ref('prefer')],
      responses: { 200: ok(schemaRef, 'Rows'), 206: ok(schemaRef, 'A page of the rows') },
    },
  }
  if (table.insertable) {
    path.post = {
      tags: [key],
      parameters: [ref('select'), ref('columns'), ref('on_conflict'), ref('prefer')],
      requestBody: body,
      responses: { 201: ok(schemaRef, 'Created'), 204: { description: 'Created (return=minimal)' } },
    }
  }
  if (table.updatable) {
    path.patch = { tags: [key], parameters: [ref('select'), ...filters, ref('prefer')], requestBody: { ...body, content: { 'application/json': { schema: { $ref: schemaRef } } } }, responses: { 200: ok(schemaRef, 'Updated rows'), 204: { description: 'Updated' } } }
    if (table.insertable && table.primaryKey.length > 0) {
      path.put = { tags: [key], parameters: [ref('select'), ...filters, ref('prefer')], requestBody: { ...body, content: { 'application/json': { schema: { $ref: schemaRef } } } }, responses: { 200: ok(schemaRef, 'Upserted row'), 204: { description: 'Upserted' } } }
    }
  }
  if (table.deletable) {
    path.delete = { tags: [key], parameters: [ref('select'), ...filters, ref('prefer')], responses: { 200: ok(schemaRef, 'Deleted rows'), 204: { description: 'Deleted' } } }
  }
  return path
}

function functionPath(fns: DbFunction[]): Json {
  const fn = fns[0]!
  const properties = Object.fromEntries(
    fns.flatMap((f) => f.args).filter((a) => a.name !== '').map((a) => [a.name, { ...jsonSchemaForType(a.udtName), 'x-pg-type': a.type }]),
  )
  const required = fn.args.filter((a) => !a.hasDefault && a.name !== '').map((a) => a.name)
  const responses = { 200: { description: `Returns ${fn.returnType}`, content: { 'application/json': { schema: {} } } } }
  const path: Json = {
    post: {
      tags: ['rpc'],
      summary: fn.description ?? `Call ${fn.name}`,
      requestBody: { required: required.length > 0, content: { 'application/json': { schema: { type: 'object', properties, required } } } },
      parameters: [ref('prefer')],
      responses,
    },
  }
  if (fns.every((f) => f.volatility !== 'volatile')) {
    path.get = {
      tags: ['rpc'],
      summary: fn.description ?? `Call ${fn.name}`,
      parameters: Object.entries(properties).map(([name, schema]) => ({ name, in: 'query', required: required.includes(name), schema })),
      responses,
    }
  }
  return path
}

/** Builds the document; names are shown unqualified for the first exposed schema, as PostgREST. */
/** What the caller's role may use (PostgREST's `openapi-mode = follow-privileges`, its default). */
export interface Visible {
  tables: ReadonlySet<string>
  /** Function oids the role may execute. */
  functions: ReadonlySet<number>
}

export function buildRestOpenApi(cache: SchemaCache, serverUrl: string, version: string, visible?: Visible): Json {
  const primary = cache.schemas[0]
  const display = (schema: string, name: string) => (schema === primary ? name : `${schema}.${name}`)
  const paths: Record<string, Json> = {}
  const schemas: Record<string, Json> = {}
  const tables = [...cache.tables.values()].filter((t) => !visible || visible.tables.has(`${t.schema}.${t.name}`))
  for (const table of tables.sort((a, b) => display(a.schema, a.name).localeCompare(display(b.schema, b.name)))) {
    const key = display(table.schema, table.name)
    schemas[key] = {
      type: 'object',
      ...(table.description ? { description: table.description } : {}),
      required: table.columns.filter((c) => !c.nullable && c.default === null && !c.isGenerated && !c.isIdentity).map((c) => c.name),
      properties: Object.fromEntries(table.columns.map((c) => [c.name, columnSchema(c, table)])),
    }
    paths[`/${key}`] = tablePath(key, table)
  }
  for (const [, all] of [...cache.functions.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const fns = visible ? all.filter((f) => visible.functions.has(f.oid)) : all
    const fn = fns[0]
    if (!fn) continue
    paths[`/rpc/${display(fn.schema, fn.name)}`] = functionPath(fns)
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Floe data API', version, description: 'PostgREST-compatible REST API of the exposed schemas: ' + cache.schemas.join(', ') },
    servers: [{ url: serverUrl }],
    security: [{ apikey: [] }, { apikey: [], bearer: [] }],
    paths,
    components: {
      schemas,
      parameters: COMMON_PARAMETERS,
      securitySchemes: {
        apikey: { type: 'apiKey', in: 'header', name: 'apikey' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
    },
  }
}
