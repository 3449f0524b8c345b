/**
 * The builder's primitives: a parameter list that hands out `$n` placeholders in text order, and
 * identifier quoting. Identifiers come from the plan (schema-cache names, or aliases the client
 * chose for its output keys); they are always quoted, and truncated at NUL as PostgREST does.
 */
import { quoteIdent } from '../../db/index.js'
import type { SqlRef } from '../plan/types.js'

export interface SqlStatement {
  text: string
  values: unknown[]
}

export class Params {
  readonly values: unknown[] = []

  /** Every client value goes through here: nothing from the request is ever spliced into SQL. */
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

export const ident = (name: string): string => quoteIdent(name.split('\0')[0] ?? '')

export function fmtRef(ref: SqlRef): string {
  return ref.kind === 'table' ? `${ident(ref.schema)}.${ident(ref.name)}` : ident(ref.name)
}

export const fmtColumn = (ref: SqlRef, column: string): string => (column === '*' ? `${fmtRef(ref)}.*` : `${fmtRef(ref)}.${ident(column)}`)

export const qualified = (schema: string, name: string): string => `${ident(schema)}.${ident(name)}`

/** For names from the catalog only (a column name as a jsonb key): never client input. */
export const catalogLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`

/**
 * What SQL set for the response during the statement (PostgREST's responseHeadersF and
 * responseStatusF), read in the statement's own row, so no round trip is added. `nullif`: a
 * setting once created in a session reads '' afterwards, not null. When no SQL of the database
 * can set them (the schema cache's setsResponseSettings) the columns are constant nulls.
 */
export function responseSettings(read: boolean): string {
  return read
    ? "nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status"
    : 'null::text AS response_headers, null::text AS response_status'
}

/** How a statement is built beyond its plan. */
export interface BuildOptions {
  /** Read response.headers / response.status back (some SQL may set them). */
  responseSettings: boolean
}

/** PostgREST's statements: every setting read back. */
export const READ_EVERYTHING: BuildOptions = { responseSettings: true }
