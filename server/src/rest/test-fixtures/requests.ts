/**
 * Shortcuts for the unit tests: parse a request against the films fixture, and catch an ApiError
 * as its status and body.
 */
import { ApiError, type ErrorBody } from '../../errors/index.js'
import { parseRequest } from '../parse/index.js'
import type { ApiRequest } from '../parse/types.js'
import type { PlanContext } from '../plan/index.js'
import { filmsCache } from './films.js'

export const filmsContext: PlanContext = { cache: filmsCache, schema: 'public' }

export function request(method: string, query: string, headers: Record<string, string> = {}, body?: string): ApiRequest {
  return parseRequest({ method, target: 'table', query, headers, ...(body !== undefined && { body }) })
}

export function rpcRequest(method: string, query: string, headers: Record<string, string> = {}, body?: string): ApiRequest {
  return parseRequest({ method, target: 'rpc', query, headers, ...(body !== undefined && { body }) })
}

export function apiErrorOf(fn: () => unknown): { status: number } & ErrorBody {
  try {
    fn()
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, ...e.toBody() }
    throw e
  }
  throw new Error('expected an ApiError')
}
