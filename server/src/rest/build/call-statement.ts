/**
 * The rpc statement (PostgREST's callPlanToQuery + prepareCall): the call in `pgrst_source`, named
 * arguments read from the JSON arguments (ONE parameter) with json_to_record and passed as
 * `name := value`; scalar results as `pgrst_scalar`; then the same read as a table over the rows.
 * One row: total_count (count=exact, else null), page_total (1 for a non-set function), body (text).
 */
import type { CallPlan } from '../plan/types.js'
import type { Column } from '../schema-cache/types.js'
import { bodyExpression } from './body.js'
import { jsonBodyFrom } from './json-body.js'
import { fmtSourceColumn } from './fragments.js'
import { countQuery, readQuery } from './read-query.js'
import { ident, Params, qualified, READ_EVERYTHING, responseSettings, type BuildOptions, type SqlStatement } from './sql.js'

function argColumns(plan: CallPlan): Column[] {
  if (plan.params.kind !== 'named') return []
  return plan.params.args.map((a, i) => ({
    name: a.name, type: a.type, udtName: a.udtName, typeKind: 'b', isArray: false, nullable: true, default: null,
    isGenerated: false, isIdentity: false, maxLength: null, enumValues: null, description: null, position: i + 1,
  }))
}

function callQuery(p: Params, plan: CallPlan): string {
  const fn = qualified(plan.fn.schema, plan.fn.name)
  const callIt = (args: string) => (plan.isScalar ? `(SELECT ${fn}(${args}) pgrst_scalar) pgrst_call` : `${fn}(${args}) pgrst_call`)
  const cols = plan.isScalar ? 'pgrst_call.pgrst_scalar' : plan.returning.map((c) => fmtSourceColumn({ kind: 'alias', name: 'pgrst_call' }, plan.read.root.table, c)).join(', ')
  if (plan.params.kind === 'single') return `SELECT ${cols} FROM ${callIt(`${p.add(plan.rawArg ?? plan.argsJson)}::${plan.params.arg.type}`)}`
  if (plan.params.args.length === 0) return `SELECT ${cols} FROM ${callIt('')}`
  const body = jsonBodyFrom(p, plan.argsJson, argColumns(plan), { includeSelect: false, limitOne: true, applyDefaults: false, isObject: plan.argsIsObject })
  const args = plan.params.args.map((a) => `${a.mode === 'variadic' ? 'VARIADIC ' : ''}${ident(a.name)} := "pgrst_body".${ident(a.name)}`).join(', ')
  return `SELECT ${cols} ${body}, LATERAL ${callIt(args)}`
}

/** PostgREST's asJsonF / asJsonSingleF: a non-set result is one value, a set an array. */
function callBody(plan: CallPlan): string {
  const media = plan.read.media
  if (plan.read.headersOnly || media.kind === 'csv') return bodyExpression(media, plan.read.headersOnly)
  // The function's value as it is (its return domain names the media type); bytes travel as
  // base64 text, decoded by respond.ts, so every body stays one text column.
  if (media.kind === 'raw') return media.binary ? `encode(_postgrest_t.pgrst_scalar::bytea, 'base64')` : '_postgrest_t.pgrst_scalar::text'
  const row = plan.isScalar ? '_postgrest_t.pgrst_scalar' : '_postgrest_t'
  const strip = (e: string) => (media.stripNulls ? `json_strip_nulls(${e})` : e)
  if (media.kind === 'object' || plan.returnsSingle) return `coalesce((${strip(`json_agg(${row})->0`)})::text, 'null')`
  return `coalesce(${strip(`json_agg(${row})`)}, '[]')::text`
}

export function buildCall(plan: CallPlan, options: BuildOptions = READ_EVERYTHING): SqlStatement {
  const p = new Params()
  const call = callQuery(p, plan)
  const exact = plan.read.count === 'exact'
  const count = exact ? `, pgrst_source_count AS (${countQuery(p, plan.read.root)})` : ''
  const rows = readQuery(p, plan.read.root)
  const text =
    `WITH pgrst_source AS (${call})${count} ` +
    `SELECT ${exact ? '(SELECT pg_catalog.count(*) FROM pgrst_source_count)' : 'null::bigint'} AS total_count, ` +
    `${plan.returnsSingle ? '1' : 'pg_catalog.count(_postgrest_t)'} AS page_total, ${callBody(plan)} AS body, ${responseSettings(options.responseSettings)} ` +
    `FROM (${rows}) _postgrest_t`
  return { text, values: p.values }
}
