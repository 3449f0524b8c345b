/**
 * Checks of an admin's input against the database, inside the change's transaction, before any
 * SQL is planned: the schema may be changed, the table and column exist, the type resolves, and
 * each expression the admin wrote is one expression, as Postgres parses it. A check that must run
 * a statement (to_regtype, a probe) runs under a savepoint that is always rolled back, so its
 * error or its scratch objects never reach the change itself.
 */
import type pg from 'pg'
// The platform's own schemas (db's one list, shared with the rules API's table names): never
// changed through the editor, whatever is exposed.
import { PLATFORM_SCHEMAS, withTrialSavepoint } from '../../db/index.js'
import { ApiError, isPgError } from '../../errors/index.js'
import { run, type Client } from '../queries.js'
import { findTableOid } from './catalog.js'
import { expressionError } from './pg-errors.js'
import { qname } from './plan.js'
import { splitQualified } from './shapes.js'


export interface TableRef {
  oid: number
  schema: string
  name: string
}

export function writableSchemas(exposed: readonly string[]): string[] {
  return exposed.filter((s) => !PLATFORM_SCHEMAS.includes(s))
}

export function checkSchema(exposed: readonly string[], schema: string): void {
  const writable = writableSchemas(exposed)
  if (!writable.includes(schema)) {
    throw new ApiError('SCHEMA_NOT_ALLOWED', {
      message: `Schema ${JSON.stringify(schema)} cannot be changed here`,
      details: PLATFORM_SCHEMAS.includes(schema) ? `${schema} is a platform schema` : `${schema} is not an exposed schema`,
      hint: `Use one of: ${writable.join(', ') || '(none)'}`,
    })
  }
}

/** A table of a writable schema named `<schema>.<table>`; 404 when there is none. */
export async function resolveTable(client: Client, exposed: readonly string[], ref: string): Promise<TableRef> {
  const { schema, name } = splitQualified(ref)
  checkSchema(exposed, schema)
  const oid = await findTableOid(client, schema, name)
  if (oid === undefined) throw new ApiError('SCHEMA_TABLE_NOT_FOUND', { message: `No table ${ref}`, hint: 'Name the table as <schema>.<table>' })
  return { oid, schema, name }
}

export async function findColumn(client: Client, t: TableRef, column: string): Promise<{ name: string; type: string }> {
  const [found] = await run<{ name: string; type: string }>(
    client,
    `select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
      where attrelid = $1 and attname = $2 and attnum > 0 and not attisdropped`,
    [t.oid, column],
  )
  if (!found) throw new ApiError('SCHEMA_COLUMN_NOT_FOUND', { message: `No column ${JSON.stringify(column)} in ${t.schema}.${t.name}` })
  return found
}

/**
 * The type as the admin wrote it, once Postgres resolved it. The text itself is what goes into
 * the SQL (to_regtype keeps no modifier such as varchar's length); TypeName's grammar has already
 * limited it to words, digits, parentheses and brackets.
 */
export async function resolveType(client: Client, type: string): Promise<string> {
  let found: boolean
  try {
    found = await withTrialSavepoint(client, async () => (await run<{ ok: boolean }>(client, 'select to_regtype($1) is not null as ok', [type]))[0]?.ok === true)
  } catch (err) {
    if (!isPgError(err)) throw err
    throw new ApiError('SCHEMA_UNKNOWN_TYPE', { message: `Invalid type ${JSON.stringify(type)}: ${err.message}`, cause: err })
  }
  if (!found) {
    // serial is CREATE TABLE shorthand, not a type: identity columns are its modern form.
    const hint = /^(small|big)?serial$/i.test(type)
      ? `${type} is shorthand, not a type: use ${/^big/i.test(type) ? 'int8' : /^small/i.test(type) ? 'int2' : 'int4'} with identity: "by_default"`
      : 'Name a type that exists, e.g. text, int8, timestamptz, or <schema>.<enum>'
    throw new ApiError('SCHEMA_UNKNOWN_TYPE', { message: `Unknown type ${JSON.stringify(type)}`, hint })
  }
  return type
}

const PROBE = 'floe_schema_probe'

/**
 * A default expression, as Postgres parsed it: set on a scratch temp column of the same type and
 * read back with pg_get_expr. The SQL of the change carries that deparsed expression, never the
 * admin's text, and a text that parses as more than one default (extra columns or constraints
 * smuggled after a closing parenthesis) is refused.
 */
export async function parseDefault(client: Client, type: string, expression: string): Promise<string> {
  const prefix = `create temp table ${PROBE} (v ${type} default (\n`
  try {
    return await withTrialSavepoint(client, async () => {
      await run(client, `${prefix}${expression}\n)) on commit drop`)
      const [probe] = await run<{ columns: number; constraints: number; not_null: boolean; expr: string | null }>(
        client,
        `select (select count(*)::int from pg_attribute a where a.attrelid = c.oid and a.attnum > 0) as columns,
                (select count(*)::int from pg_constraint k where k.conrelid = c.oid) as constraints,
                (select a.attnotnull from pg_attribute a where a.attrelid = c.oid and a.attnum = 1) as not_null,
                (select pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d where d.adrelid = c.oid and d.adnum = 1) as expr
           from pg_class c where c.oid = 'pg_temp.${PROBE}'::regclass`,
      )
      if (!probe || probe.columns !== 1 || probe.constraints !== 0 || probe.not_null || probe.expr === null) {
        throw new ApiError('SCHEMA_INVALID_EXPRESSION', { message: `The default ${JSON.stringify(expression)} is not a single expression` })
      }
      return probe.expr
    })
  } catch (err) {
    throw expressionError(err, 'default', expression, prefix.length)
  }
}

/**
 * A USING conversion: parsed against the table's own columns, as one select target (a text that
 * closes the parenthesis to add anything becomes a second target or a syntax error). Newlines
 * frame it in the real statement too, so a `--` comment in it cannot swallow the closing one.
 */
export async function checkUsing(client: Client, t: TableRef, type: string, expression: string): Promise<string> {
  const prefix = 'select (\n'
  try {
    const fields = await withTrialSavepoint(client, async () => {
      const res = await client.query({ text: `${prefix}${expression}\n)::${type} from ${qname(t.schema, t.name)} limit 0`, queryMode: 'extended' } as pg.QueryConfig)
      return res.fields.length
    })
    if (fields !== 1) throw new ApiError('SCHEMA_INVALID_EXPRESSION', { message: `The using ${JSON.stringify(expression)} is not a single expression` })
  } catch (err) {
    throw expressionError(err, 'using expression', expression, prefix.length)
  }
  return `(\n${expression}\n)`
}
