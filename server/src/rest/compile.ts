/**
 * The seam between the HTTP layer and the pure engine: ApiRequest + schema cache → the one SQL
 * statement of the request (plan → build), plus what the response needs to know.
 */
import type { Compiled } from './execute.js'
import { buildCall, buildCountExplain, buildMutation, buildRead, type BuildOptions } from './build/index.js'
import type { ApiRequest } from './parse/index.js'
import { planCall, planMutation, planRead, type PlanContext } from './plan/index.js'
import type { RespondContext } from './respond.js'
import type { SchemaCache } from './schema-cache/index.js'

export interface Target {
  schema: string
  name: string
  kind: 'table' | 'rpc'
}

export interface Limits {
  maxEmbedDepth: number
  maxFilters: number
  maxRows: number | null
}

export interface CompileResult {
  compiled: Compiled
  respond: Omit<RespondContext, 'request' | 'resource' | 'profile'>
}

const wantsEstimate = (count: string | undefined) => count === 'planned' || count === 'estimated'

export function compileRequest(request: ApiRequest, cache: SchemaCache, target: Target, limits: Limits): CompileResult {
  const ctx: PlanContext = {
    cache,
    schema: target.schema,
    limits: { maxEmbedDepth: limits.maxEmbedDepth, maxFilters: limits.maxFilters, ...(limits.maxRows !== null && { maxRows: limits.maxRows }) },
  }
  const build: BuildOptions = { responseSettings: cache.setsResponseSettings }
  if (target.kind === 'rpc') {
    const plan = planCall(ctx, target.name, request)
    return {
      compiled: { statement: buildCall(plan, build), readOnly: request.invokeMethod === 'get' },
      respond: { returnsVoid: plan.returnsVoid, media: plan.read.media },
    }
  }
  if (request.action === 'read') {
    const plan = planRead(ctx, target.name, request)
    return {
      compiled: {
        statement: buildRead(plan, build),
        readOnly: true,
        // PostgREST's `estimated` counts exactly below db-max-rows; without that bound set here
        // both use the planner's estimate.
        ...(wantsEstimate(plan.count) && { explain: buildCountExplain(plan) }),
      },
      respond: {},
    }
  }
  const plan = planMutation(ctx, target.name, request)
  return {
    compiled: { statement: buildMutation(plan, build), readOnly: false },
    respond: { hasConflictTarget: plan.table.primaryKey.length > 0 || request.query.onConflict !== undefined },
  }
}
