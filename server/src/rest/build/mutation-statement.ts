/**
 * The write statement (PostgREST's prepareWrite): the mutation in the `pgrst_source` CTE, the
 * response read over its RETURNING rows. One row:
 *   total_count  bigint  with Prefer: count=exact the rows affected (PostgREST's total for writes), else null
 *   page_total   bigint  rows inserted / updated / deleted
 *   body         text    the rows as shaped by `select=` with return=representation, else ''
 *   location     text[]  POST with return=headers-only and one row: `col=eq.value` per primary-key
 *                        column (`col=is.null` for null) for the Location header; else empty
 *   inserted     int     upserts (PUT, merge-duplicates): rows really inserted (201 vs 200); else null
 */
import type { MutationPlan } from '../plan/types.js'
import { bodyExpression } from './body.js'
import { mutationQuery } from './mutation-query.js'
import { readQuery } from './read-query.js'
import { catalogLiteral, Params, READ_EVERYTHING, responseSettings, type BuildOptions, type SqlStatement } from './sql.js'

const NO_LOCATION = 'array[]::text[]'

function locationExpression(plan: MutationPlan): string {
  if (!plan.wantsLocation || plan.table.primaryKey.length === 0) return NO_LOCATION
  const keys = plan.table.primaryKey.map(catalogLiteral).join(', ')
  const pairs =
    '(WITH data AS (SELECT row_to_json(_) AS row FROM pgrst_source AS _ LIMIT 1) ' +
    "SELECT array_agg(json_data.key || '=' || coalesce('eq.' || json_data.value, 'is.null')) " +
    `FROM data CROSS JOIN json_each_text(data.row) AS json_data WHERE json_data.key IN (${keys}))`
  return `CASE WHEN pg_catalog.count(_postgrest_t) = 1 THEN coalesce(${pairs}, ${NO_LOCATION}) ELSE ${NO_LOCATION} END`
}

function insertedExpression(plan: MutationPlan): string {
  const counts = plan.kind === 'upsert' || (plan.kind === 'insert' && plan.onConflict?.resolution === 'merge-duplicates')
  return counts ? "nullif(current_setting('pgrst.inserted', true), '')::int" : 'null::int'
}

export function buildMutation(plan: MutationPlan, options: BuildOptions = READ_EVERYTHING): SqlStatement {
  const p = new Params()
  const mutation = mutationQuery(p, plan)
  // Without a representation the response needs no column of the rows, only how many there are.
  const rows = plan.returnRepresentation ? readQuery(p, plan.read.root) : 'SELECT * FROM pgrst_source'
  const text =
    `WITH pgrst_source AS (${mutation}) ` +
    `SELECT ${plan.read.count === 'exact' ? 'pg_catalog.count(_postgrest_t)' : 'null::bigint'} AS total_count, pg_catalog.count(_postgrest_t) AS page_total, ` +
    `${plan.returnRepresentation ? bodyExpression(plan.read.media, false) : "''::text"} AS body, ` +
    `${locationExpression(plan)} AS location, ${insertedExpression(plan)} AS inserted, ${responseSettings(options.responseSettings)} ` +
    `FROM (${rows}) _postgrest_t`
  return { text, values: p.values }
}
