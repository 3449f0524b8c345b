/**
 * The read statement. One round trip, one row:
 *   total_count  bigint  exact count (Prefer: count=exact), else null
 *   page_total   bigint  rows in this page
 *   body         text    the JSON array / object / CSV
 * as PostgREST's prepareRead: the page in a CTE, the count in another when asked for.
 */
import type { ReadPlan } from '../plan/types.js'
import { bodyExpression } from './body.js'
import { countQuery, readQuery } from './read-query.js'
import { Params, READ_EVERYTHING, responseSettings, type BuildOptions, type SqlStatement } from './sql.js'

export function buildRead(plan: ReadPlan, options: BuildOptions = READ_EVERYTHING): SqlStatement {
  const p = new Params()
  const source = readQuery(p, plan.root)
  const exact = plan.count === 'exact'
  const count = exact ? `, pgrst_source_count AS (${countQuery(p, plan.root)})` : ''
  const text =
    `WITH pgrst_source AS (${source})${count} ` +
    `SELECT ${exact ? '(SELECT pg_catalog.count(*) FROM pgrst_source_count)' : 'null::bigint'} AS total_count, ` +
    `pg_catalog.count(_postgrest_t) AS page_total, ` +
    `${bodyExpression(plan.media, plan.headersOnly)} AS body, ${responseSettings(options.responseSettings)} ` +
    `FROM (SELECT * FROM pgrst_source) _postgrest_t`
  return { text, values: p.values }
}

/**
 * For `Prefer: count=planned|estimated`: the planner's row estimate of the count query. The
 * executor reads `[0].Plan["Plan Rows"]` from the single JSON row.
 */
export function buildCountExplain(plan: ReadPlan): SqlStatement {
  const p = new Params()
  const text = `EXPLAIN (FORMAT JSON) ${countQuery(p, plan.root)}`
  return { text, values: p.values }
}
