/**
 * Row ranges as PostgREST's RangeQuery: `limit`/`offset` parameters and the `Range` request header
 * become inclusive [lower, upper] ranges that are intersected; `limit=0` is a special, valid empty
 * range (0..-1), any other empty range is a 416.
 */
import { ApiError } from '../../errors/index.js'
import type { Range } from './types.js'

export interface NonnegRange {
  lower: number
  /** Inclusive; null when unbounded. */
  upper: number | null
}

export const allRange: NonnegRange = { lower: 0, upper: null }
const limitZeroRange: NonnegRange = { lower: 0, upper: -1 }

/** Haskell's `readMaybe :: Maybe Integer`, which tolerates surrounding spaces. */
function readInteger(v: string | undefined): number | undefined {
  if (v === undefined || !/^\s*-?\d+\s*$/.test(v)) return undefined
  const n = Number(v.trim())
  return Number.isSafeInteger(n) ? n : undefined
}

export const isEmptyRange = (r: NonnegRange) => r.upper !== null && r.upper < r.lower
export const hasLimitZero = (r: NonnegRange) => r.upper === -1
export const rangeLimit = (r: NonnegRange) => (r.upper === null ? null : r.upper - r.lower + 1)

export function intersect(a: NonnegRange, b: NonnegRange): NonnegRange {
  const upper = a.upper === null ? b.upper : b.upper === null ? a.upper : Math.min(a.upper, b.upper)
  return { lower: Math.max(a.lower, b.lower), upper }
}

/** An unreadable limit or offset is ignored, as PostgREST does. */
export function fromLimitOffset(limit: string | undefined, offset: string | undefined): NonnegRange {
  const l = readInteger(limit)
  const o = readInteger(offset)
  const limitRange = l === undefined ? allRange : intersect(allRange, { lower: 0, upper: l - 1 })
  if (offset === undefined) return limitRange
  if (limit === undefined) return o === undefined ? allRange : { lower: o, upper: null }
  const off = o ?? 0
  return { lower: off, upper: off + (rangeLimit(limitRange) ?? 0) - 1 }
}

/** `Range: 0-9`; anything not matching `^\d+-\d*$` means the whole result. */
export function parseRangeHeader(header: string | undefined): NonnegRange {
  const m = header === undefined ? null : /^([0-9]+)-([0-9]*)$/.exec(header)
  if (m === null) return allRange
  const lower = Number(m[1])
  return { lower, upper: m[2] === '' ? null : Number(m[2]) }
}

export function toRange(r: NonnegRange): Range {
  return { offset: r.lower, limit: hasLimitZero(r) ? 0 : rangeLimit(r) }
}

export interface TopLevelRangeInput {
  method: string
  rawRanges: Map<string, NonnegRange>
  hasOrder: boolean
  rangeHeader: string | undefined
}

function invalidRange(details: string): ApiError {
  return new ApiError('PGRST103', { message: 'Requested range not satisfiable', details, hint: null })
}

/** PostgREST's getRanges: the top-level range and the checks on it, in the same order. */
export function topLevelRange({ method, rawRanges, hasOrder, rangeHeader }: TopLevelRangeInput): NonnegRange {
  // The Range header is only for GET (RFC 9110); PostgREST ignores it elsewhere.
  const headerRange = method === 'GET' ? parseRangeHeader(rangeHeader) : allRange
  const limitRange = rawRanges.get('limit') ?? allRange
  const top = hasLimitZero(limitRange) ? limitZeroRange : intersect(headerRange, limitRange)
  if (isEmptyRange(top) && !hasLimitZero(limitRange)) {
    throw invalidRange(
      isEmptyRange(headerRange)
        ? 'The lower boundary must be lower than or equal to the upper boundary in the Range header.'
        : 'Limit should be greater than or equal to zero.',
    )
  }
  if ((method === 'PATCH' || method === 'DELETE') && rawRanges.size > 0 && !hasOrder) {
    throw new ApiError('PGRST109', {
      message: "A 'limit' was applied without an explicit 'order'", details: null, hint: "Apply an 'order' using unique column(s)",
    })
  }
  if (method === 'PUT' && (top.lower !== 0 || top.upper !== null)) {
    throw new ApiError('PGRST114', { message: 'limit/offset querystring parameters are not allowed for PUT', details: null, hint: null })
  }
  return top
}
