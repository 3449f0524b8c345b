/**
 * The one way the API names a table it manages on the caller's behalf (rules, realtime on/off,
 * database webhooks): `<table>` in the default schema (the first exposed one, as the data API's
 * default profile) or `<schema>.<table>`, of an exposed schema, or `storage.objects`, whose rules
 * decide who reads and writes which file (Supabase's storage policies). The other platform
 * schemas are Floe's own bookkeeping: a rule or trigger there could lock the server out of its
 * own tables, so they are refused by name, not reported as missing.
 *
 * Syntax is checked by the zod schema (`TableNameText`), the schema against this instance's
 * exposed schemas by `parseTableName`; whether the table exists is the caller's query.
 */
import { z } from '@hono/zod-openapi'
import { ApiError } from '../errors/index.js'

/** The platform's own schemas (migrations create them); never exposed, whatever FLOE_DB_SCHEMAS says. */
export const PLATFORM_SCHEMAS: readonly string[] = ['auth', 'storage', 'floe', 'realtime', 'pg_catalog', 'information_schema']

/** Platform tables the API manages anyway: `storage.objects`, whose rows are the files. */
export const MANAGED_PLATFORM_TABLES: readonly string[] = ['storage.objects']

// A Postgres name: at most 63 characters (NAMEDATALEN - 1), no dot (the separator), no control
// character. Quoted wherever it reaches SQL, so spaces and capitals are fine.
const PART = '[^.\\u0000-\\u001f]{1,63}'
const TABLE_NAME = new RegExp(`^(?:(${PART})\\.)?(${PART})$`)

export const TableNameText = z
  .string()
  .regex(TABLE_NAME, 'expected <table> or <schema>.<table>')
  .openapi({ example: 'public.todos', description: '`<table>` (in the default schema) or `<schema>.<table>`; `storage.objects` for storage rules' })

export interface TableName {
  schema: string
  table: string
}

/**
 * `text` as a table of `exposedSchemas` or a managed platform table; 400 naming why otherwise.
 * `exposedSchemas[0]` is the default schema of a bare name.
 */
export function parseTableName(text: string, exposedSchemas: readonly string[]): TableName {
  const m = TABLE_NAME.exec(text)
  if (!m) throw new ApiError('INVALID_INPUT', { message: `Invalid table name ${JSON.stringify(text)}`, hint: 'Name the table as <table> or <schema>.<table>' })
  const schema = m[1] ?? exposedSchemas[0] ?? 'public'
  const table = m[2]!
  const qualified = `${schema}.${table}`
  const exposed = exposedSchemas.filter((s) => !PLATFORM_SCHEMAS.includes(s))
  if (PLATFORM_SCHEMAS.includes(schema) && !MANAGED_PLATFORM_TABLES.includes(qualified)) {
    throw new ApiError('INVALID_INPUT', {
      message: `${qualified} is in the platform schema ${schema}, which the API does not manage`,
      details: `Of the platform schemas only ${MANAGED_PLATFORM_TABLES.join(', ')} takes rules and webhooks`,
      hint: `Use a table of ${[...exposed, ...MANAGED_PLATFORM_TABLES].join(', ')}`,
    })
  }
  if (!PLATFORM_SCHEMAS.includes(schema) && !exposed.includes(schema)) {
    throw new ApiError('INVALID_INPUT', {
      message: `Schema ${JSON.stringify(schema)} is not exposed`,
      details: `The exposed schemas (FLOE_DB_SCHEMAS) are ${exposed.join(', ') || '(none)'}`,
      hint: 'Add the schema to FLOE_DB_SCHEMAS, or name a table of an exposed schema',
    })
  }
  return { schema, table }
}

/**
 * A table given as `{ schema?, table }` (bodies that carried the schema apart, as webhooks and the
 * rules explainer did): a bare `table` is read in `schema` when one is given; a qualified one
 * must not disagree with it. Then as parseTableName.
 */
export function parseTableParts(parts: { schema?: string | undefined; table: string }, exposedSchemas: readonly string[]): TableName {
  const qualified = parts.table.includes('.')
  const found = parseTableName(qualified || parts.schema === undefined ? parts.table : `${parts.schema}.${parts.table}`, exposedSchemas)
  if (qualified && parts.schema !== undefined && parts.schema !== found.schema) {
    throw new ApiError('INVALID_INPUT', {
      message: `schema ${JSON.stringify(parts.schema)} disagrees with table ${JSON.stringify(parts.table)}`,
      hint: 'Name the table once, as <schema>.<table>',
    })
  }
  return found
}
