/**
 * The seam between the HTTP layer and the pure engine: ApiRequest + schema cache → the one SQL
 * statement of the request (parse → plan → build).
 */
import { ApiError } from '../errors/index.js'
import type { Compiled } from './execute.js'
import type { ApiRequest } from './parse/index.js'
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

export function compileRequest(request: ApiRequest, cache: SchemaCache, target: Target, limits: Limits): CompileResult {
  void request
  void cache
  void target
  void limits
  throw new ApiError('SERVICE_UNAVAILABLE', { message: 'The data API engine is not wired yet' })
}
