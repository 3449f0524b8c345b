/**
 * Runs a compiled data API statement inside the caller's transaction (withRequestRole), one
 * statement per request, and applies the checks PostgREST makes before COMMIT so that a refused
 * result rolls the whole request back: a singular response of other than one row (PGRST116) and
 * `Prefer: max-affected` with `handling=strict` (PGRST124).
 */
import { CompiledQuery, type Kysely } from 'kysely'
import type { DB } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import type { ApiRequest } from './parse/index.js'
import { singularBody } from './respond.js'
import { normaliseResult, type Statement, type StatementResult } from './result.js'

export interface Compiled {
  statement: Statement
  /** For `Prefer: count=planned|estimated`: an EXPLAIN whose top plan row estimate is the count. */
  explain?: Statement
  /** GET/HEAD (and rpc via GET) run in a READ ONLY transaction, as PostgREST. */
  readOnly: boolean
}

async function plannedCount(trx: Kysely<DB>, explain: Statement): Promise<number | null> {
  const r = await trx.executeQuery(CompiledQuery.raw(explain.text, explain.values))
  const plan = (r.rows[0] as { 'QUERY PLAN'?: unknown } | undefined)?.['QUERY PLAN']
  const top = Array.isArray(plan) ? (plan[0] as { Plan?: { 'Plan Rows'?: number } }) : undefined
  return top?.Plan?.['Plan Rows'] ?? null
}

/**
 * Whether the statement may run in one pipelined round trip (BEGIN … COMMIT sent together): only
 * when no check has to look at the result before COMMIT and no second statement is needed.
 */
export function canPipeline(compiled: Compiled, request: ApiRequest): boolean {
  if (compiled.explain) return false
  if (request.action === 'read') return true
  const p = request.preferences
  return request.action !== 'upsert' && request.media.kind !== 'object' && !(p.handling === 'strict' && p.maxAffected !== undefined)
}

export async function executeCompiled(trx: Kysely<DB>, compiled: Compiled, request: ApiRequest): Promise<StatementResult> {
  const r = await trx.executeQuery(CompiledQuery.raw(compiled.statement.text, compiled.statement.values))
  const result = normaliseResult(r.rows[0] as Record<string, unknown> | undefined)
  if (compiled.explain && result.total_count === null) {
    result.total_count = await plannedCount(trx, compiled.explain)
  }
  return checkBeforeCommit(result, request)
}

/** The checks PostgREST makes before COMMIT; throwing here rolls the request back. */
export function checkBeforeCommit(result: StatementResult, request: ApiRequest): StatementResult {
  const p = request.preferences
  if (request.action === 'upsert' && result.page_total === 0) {
    throw new ApiError('PGRST115', { message: 'Payload values do not match URL in primary key column(s)', details: null, hint: null })
  }
  if (request.media.kind === 'object' && request.action !== 'read') singularBody(result)
  if (p.handling === 'strict' && p.maxAffected !== undefined && result.page_total > p.maxAffected) {
    throw new ApiError('PGRST124', {
      message: 'Query result exceeds max-affected preference constraint',
      details: `The query affects ${result.page_total} rows`,
      hint: null,
    })
  }
  return result
}
