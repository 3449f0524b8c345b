/**
 * The request body as rows (PostgREST's fromJsonBodyF): the JSON arrives as ONE parameter and
 * json_to_record(set) turns it into typed columns; with `Prefer: missing=default` the columns'
 * default expressions fill missing keys first. Types and defaults come from the schema cache.
 */
import type { Column } from '../schema-cache/types.js'
import { catalogLiteral, ident, type Params } from './sql.js'

export interface JsonBodyOptions {
  /** Prefix with `SELECT "pgrst_body"."a", ...` (INSERT ... SELECT). */
  includeSelect: boolean
  /** Only the first row (a PATCH with a limit updates every row from one body). */
  limitOne: boolean
  applyDefaults: boolean
  isObject: boolean
}

function defaultsObject(columns: Column[]): string {
  const pairs = columns.filter((c) => c.default !== null).map((c) => `${catalogLiteral(c.name)}, ${c.default ?? 'NULL'}`)
  return `jsonb_build_object(${pairs.join(', ')})`
}

function defaultsLateral(columns: Column[], isObject: boolean): string {
  const defs = defaultsObject(columns)
  return isObject
    ? `LATERAL (SELECT ${defs} || pgrst_payload.json_data AS val) pgrst_json_defs, `
    : `LATERAL (SELECT jsonb_agg(${defs} || elem) AS val FROM jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs, `
}

function rowsSource(columns: Column[], o: JsonBodyOptions): string {
  const body = o.applyDefaults ? 'pgrst_json_defs.val' : 'pgrst_payload.json_data'
  const j = o.applyDefaults ? 'jsonb' : 'json'
  if (columns.length === 0) return o.isObject ? '(values(1)) _' : `${j}_array_elements(${body}) _`
  const typed = columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')
  return `${j}_to_record${o.isObject ? '' : 'set'}(${body}) AS _(${typed})${o.limitOne ? ' LIMIT 1' : ''}`
}

export function jsonBodyFrom(p: Params, raw: string, columns: Column[], o: JsonBodyOptions): string {
  const names = columns.map((c) => ident(c.name)).join(', ')
  const select = o.includeSelect ? `SELECT ${columns.map((c) => `"pgrst_body".${ident(c.name)}`).join(', ')} ` : ''
  const payload = `FROM (SELECT ${p.add(raw)}::${o.applyDefaults ? 'jsonb' : 'json'} AS json_data) pgrst_payload, `
  const defaults = o.applyDefaults ? defaultsLateral(columns, o.isObject) : ''
  return `${select}${payload}${defaults}LATERAL (SELECT ${names} FROM ${rowsSource(columns, o)}) pgrst_body`
}
