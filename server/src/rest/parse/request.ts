/**
 * parseRequest: method + target + query string + headers (+ body) → ApiRequest, in PostgREST's
 * order (action, query parameters, ranges, payload), so the first error reported is the one
 * PostgREST would report.
 */
import { ApiError } from '../../errors/index.js'
import { negotiateMediaType, parseAccept, pickMediaType } from './media-type.js'
import { parsePayload } from './payload.js'
import { parsePreferences, type PreferenceOptions } from './preferences.js'
import { parseOrThrow, parseQueryParams } from './query-params.js'
import { pTreePath } from './grammar.js'
import { toRange, topLevelRange } from './range.js'
import type { Action, ApiRequest, EmbedPath, Range } from './types.js'

/** Header values by name; names are matched case-insensitively. A `Headers` object works too. */
export type HeaderSource = Record<string, string | string[] | undefined> | { get(name: string): string | null }

export interface RequestInput {
  method: string
  /** `/rest/v1/<table>` or `/rest/v1/rpc/<fn>`. */
  target: 'table' | 'rpc'
  /** The raw query string, with or without the leading `?`. */
  query: string
  headers: HeaderSource
  /** The raw request body, for POST/PATCH/PUT (and POST rpc); bytes for an `application/octet-stream` one. */
  body?: string | Buffer
  preferenceOptions?: PreferenceOptions
}

function headerValues(headers: HeaderSource, name: string): string[] {
  if (typeof headers.get === 'function') {
    const v = (headers as { get(name: string): string | null }).get(name)
    return v === null ? [] : [v]
  }
  const out: string[] = []
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() !== name || v === undefined) continue
    out.push(...(Array.isArray(v) ? v : [v]))
  }
  return out
}

const firstHeader = (headers: HeaderSource, name: string) => headerValues(headers, name)[0]

const TABLE_ACTIONS: Record<string, Action> = { GET: 'read', HEAD: 'read', POST: 'create', PUT: 'upsert', PATCH: 'update', DELETE: 'delete' }

function actionFor(method: string, target: 'table' | 'rpc'): { action: Action; invokeMethod?: 'get' | 'post' } {
  if (target === 'rpc') {
    if (method === 'GET' || method === 'HEAD') return { action: 'call', invokeMethod: 'get' }
    if (method === 'POST') return { action: 'call', invokeMethod: 'post' }
    throw new ApiError('PGRST101', { message: `Cannot use the ${method} method on RPC`, details: null, hint: null })
  }
  const action = TABLE_ACTIONS[method]
  if (action === undefined) throw new ApiError('PGRST117', { message: `Unsupported HTTP method: ${method}`, details: null, hint: null })
  return { action }
}

function embedRanges(raw: Map<string, { lower: number; upper: number | null }>): { path: EmbedPath; range: Range }[] {
  const out: { path: EmbedPath; range: Range }[] = []
  for (const [key, r] of raw) {
    if (key === 'limit') continue
    const { path } = parseOrThrow(pTreePath, `failed to parse tree path (${key})`, key)
    out.push({ path, range: toRange(r) })
  }
  return out
}

const hasBody = (action: Action, invokeMethod?: 'get' | 'post') =>
  action === 'create' || action === 'update' || action === 'upsert' || (action === 'call' && invokeMethod === 'post')

export function parseRequest(input: RequestInput): ApiRequest {
  const method = input.method.toUpperCase()
  const { action, invokeMethod } = actionFor(method, input.target)
  const raw = parseQueryParams(input.query, action === 'call' && invokeMethod === 'get')
  const { rawRanges, ...query } = raw
  const top = topLevelRange({ method, rawRanges, hasOrder: query.order.length > 0, rangeHeader: firstHeader(input.headers, 'range') })
  const payload = hasBody(action, invokeMethod)
    ? parsePayload({
        body: input.body ?? '',
        contentType: firstHeader(input.headers, 'content-type'),
        isRpc: action === 'call',
        hasColumnsParam: query.columns !== undefined && action !== 'upsert',
      })
    : undefined
  const accept = parseAccept(firstHeader(input.headers, 'accept'))
  // A call's media type is settled by its plan, which knows the function's own (CallPlan.read.media).
  const media = action === 'call' ? (pickMediaType(accept) ?? { kind: 'json', stripNulls: false }) : negotiateMediaType(accept)
  const columns = payload === undefined ? [] : query.columns !== undefined && action !== 'upsert' ? query.columns : payload.keys
  return {
    action,
    headersOnly: method === 'HEAD',
    ...(invokeMethod !== undefined && { invokeMethod }),
    query: { ...query, ranges: embedRanges(rawRanges) },
    range: toRange(top),
    preferences: parsePreferences(headerValues(input.headers, 'prefer'), input.preferenceOptions),
    media,
    accept,
    ...(payload !== undefined && { payload }),
    columns,
  }
}
