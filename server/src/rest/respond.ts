/**
 * Status, headers and body of a data API response, following PostgREST's Response.hs: reads get
 * 200/206/416 with Content-Range; inserts 201 (200 for a merge-upsert that inserted nothing) with
 * Location; updates and deletes 200 with a body or 204 without; functions returning void 204.
 * Pure: the statement has run; this only shapes what it produced.
 */
import { ApiError } from '../errors/index.js'
import { contentTypeOf } from './parse/index.js'
import type { Action, ApiRequest, MediaType, Preferences } from './parse/index.js'
import { contentRange, readStatus } from './content-range.js'
import { applyResponseSettings } from './response-settings.js'
import type { StatementResult } from './result.js'

export interface RestResponse {
  status: number
  /** An array value: that header sent once per value (`response.headers` may repeat a name). */
  headers: Record<string, string | string[]>
  /** Bytes when a function answers in a binary media type of its own. */
  body: string | Uint8Array<ArrayBuffer> | null
}

export interface RespondContext {
  request: ApiRequest
  /** Unqualified (first schema) or `schema.table` / function name, for Location / Content-Location. */
  resource: string
  /** The schema when chosen by a profile header. */
  profile?: string
  /** For `call`: the function returns void. */
  returnsVoid?: boolean
  /** For `call`: the media type its plan chose (the function's own, or one of Floe's). */
  media?: MediaType
  /** For `create`: the table has a primary key or on_conflict was given (resolution is echoed). */
  hasConflictTarget?: boolean
}

/** Preference-Applied, in PostgREST's order, with only what applies to this action. */
export function preferenceApplied(action: Action, p: Preferences, hasConflictTarget: boolean): string | undefined {
  const isMutation = action === 'create' || action === 'update' || action === 'upsert' || action === 'delete'
  const values = [
    action === 'create' && hasConflictTarget && p.resolution ? `resolution=${p.resolution}` : undefined,
    (action === 'create' || action === 'update') && p.missing ? `missing=${p.missing}` : undefined,
    isMutation && p.return ? `return=${p.return}` : undefined,
    p.count ? `count=${p.count}` : undefined,
    p.tx ? `tx=${p.tx}` : undefined,
    p.handling ? `handling=${p.handling}` : undefined,
    p.timezone ? `timezone=${p.timezone}` : undefined,
    p.handling === 'strict' && p.maxAffected !== undefined && (action === 'update' || action === 'delete' || action === 'call')
      ? `max-affected=${p.maxAffected}`
      : undefined,
  ].filter((v): v is string => v !== undefined)
  return values.length ? values.join(', ') : undefined
}

/**
 * The body of a singular (`vnd.pgrst.object+json`) response, after checking there is exactly one
 * row. `bare`: the statement already produced the one value (a function call: PostgREST's
 * `json_agg(...)->0`), which may itself be an array; otherwise the body is a one-row `json_agg`.
 */
export function singularBody(result: StatementResult, bare = false): string {
  if (result.page_total !== 1) {
    throw new ApiError('PGRST116', {
      message: 'JSON object requested, multiple (or no) rows returned',
      details: `The result contains ${result.page_total} rows`,
      hint: null,
    })
  }
  const body = result.body ?? 'null'
  // json_agg of one row prints `[{...}]`.
  return !bare && body.startsWith('[') ? body.slice(1, -1).trim() : body
}

function shapedBody(media: MediaType, result: StatementResult, bare = false): string | Uint8Array<ArrayBuffer> {
  if (media.kind === 'object') return singularBody(result, bare)
  if (media.kind === 'raw') return media.binary ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '')
  return result.body ?? (media.kind === 'csv' ? '' : '[]')
}

/**
 * Location and Content-Location echo the query (or key values), as PostgREST does. Past this
 * length they are left out: a header that size breaks HTTP clients (undici refuses responses
 * whose headers exceed 16 KiB), and a URL this long is not one to follow.
 */
const MAX_LOCATION_LENGTH = 4096

const bounded = (location: string): string | undefined => (location.length <= MAX_LOCATION_LENGTH ? location : undefined)

function locationOf(resource: string, pairs: string[] | null | undefined): string | undefined {
  if (!pairs || pairs.length === 0) return undefined
  // As PostgREST's renderSimpleQuery: each `key=value` pair URL-encoded on both sides.
  const query = pairs
    .map((pair) => {
      const at = pair.indexOf('=')
      return `${encodeURIComponent(pair.slice(0, at))}=${encodeURIComponent(pair.slice(at + 1))}`
    })
    .join('&')
  return bounded(`/${resource}?${query}`)
}

/** The response, then what SQL set in `response.headers` / `response.status` (response-settings.ts). */
const isEmptyArray = (request: ApiRequest) => request.payload !== undefined && !request.payload.isObject && /^\s*\[\s*\]\s*$/.test(request.payload.raw)

export function respond(ctx: RespondContext, result: StatementResult): RestResponse {
  const res = applyResponseSettings(actionResponse(ctx, result), result.response_headers, result.response_status)
  // PostgREST's default Vary on every answer that is not an error, unless SQL set one.
  if (!Object.keys(res.headers).some((name) => name.toLowerCase() === 'vary')) res.headers.Vary = DEFAULT_VARY
  return res
}

/** What a data API answer depends on besides its URL (PostgREST's App.hs varyHeader). */
const DEFAULT_VARY = 'Accept, Prefer, Range'

function actionResponse(ctx: RespondContext, result: StatementResult): RestResponse {
  const { request } = ctx
  const p = request.preferences
  const headers: Record<string, string> = {}
  const applied = preferenceApplied(request.action, p, ctx.hasConflictTarget ?? false)
  if (applied) headers['Preference-Applied'] = applied
  const withContentType = () => {
    headers['Content-Type'] = contentTypeOf(ctx.media ?? request.media)
    if (ctx.profile) headers['Content-Profile'] = ctx.profile
  }
  const representation = p.return === 'representation'

  switch (request.action) {
    case 'read':
    case 'call': {
      if (request.action === 'call' && ctx.returnsVoid) return { status: 204, headers, body: null }
      const offset = request.range.offset
      const { status, contentRange: cr } = readStatus(offset, result.page_total, result.total_count)
      headers['Content-Range'] = cr
      const contentLocation = request.action === 'read' ? bounded(`/${ctx.resource}${request.query.canonical ? `?${request.query.canonical}` : ''}`) : undefined
      if (contentLocation) headers['Content-Location'] = contentLocation
      if (status === 416) {
        throw new ApiError('PGRST103', {
          message: 'Requested range not satisfiable',
          details: `An offset of ${offset} was requested, but there are only ${result.total_count ?? 0} rows.`,
          hint: null,
          headers,
        })
      }
      withContentType()
      return { status, headers, body: request.headersOnly ? null : shapedBody(ctx.media ?? request.media, result, request.action === 'call') }
    }
    case 'create': {
      // A mutation's count is the rows it affected (PostgREST's rsQueryTotal).
      result = { ...result, total_count: p.count ? result.page_total : null }
      const location = locationOf(ctx.resource, result.location)
      if (location) headers.Location = location
      headers['Content-Range'] = contentRange(1, 0, result.total_count)
      // PostgREST answers 200 when a merge inserted nothing, and also when nothing was sent (an
      // empty array: its inserted count is NULL, `maybe 200`); 201 otherwise.
      const merged = p.resolution === 'merge-duplicates' && (result.inserted == null ? isEmptyArray(request) : result.inserted <= 0)
      const status = merged ? 200 : 201
      if (!representation) return { status, headers, body: null }
      withContentType()
      return { status, headers, body: shapedBody(request.media, result) }
    }
    case 'update':
    case 'delete': {
      result = { ...result, total_count: p.count ? result.page_total : null }
      headers['Content-Range'] =
        request.action === 'update'
          ? contentRange(0, result.page_total - 1, result.total_count)
          : contentRange(1, 0, result.total_count)
      if (!representation) return { status: 204, headers, body: null }
      withContentType()
      return { status: 200, headers, body: shapedBody(request.media, result) }
    }
    case 'upsert': {
      if (!representation) return { status: 204, headers, body: null }
      withContentType()
      return { status: (result.inserted ?? 0) > 0 ? 201 : 200, headers, body: shapedBody(request.media, result) }
    }
  }
}
