/**
 * The request body of a write or a POST rpc, checked as PostgREST's getPayload does: valid JSON,
 * and when it is an array, objects with the same keys. The body itself is not rebuilt: it reaches
 * SQL unchanged as one parameter, and only its keys are needed to plan the statement.
 */
import { ApiError } from '../../errors/index.js'
import { csvToJson } from './csv-body.js'
import type { Payload, RawArgType } from './types.js'

const invalidBody = (message: string) => new ApiError('PGRST102', { message, details: null, hint: null })

/** Keys in Data.Set order (code point order), which is how PostgREST lists the columns. */
const sortKeys = (keys: Iterable<string>) => [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function sameKeys(a: Record<string, unknown>, keys: string[]): boolean {
  const k = Object.keys(a)
  return k.length === keys.length && k.every((x) => keys.includes(x))
}

function fromJsonValue(raw: string, value: unknown): Payload {
  if (isPlainObject(value)) return { raw, isObject: true, keys: sortKeys(Object.keys(value)) }
  if (Array.isArray(value) && value.length > 0) {
    const first: unknown = value[0]
    if (!isPlainObject(first)) throw invalidBody('All object keys must match')
    const keys = Object.keys(first)
    if (!value.every((v) => isPlainObject(v) && sameKeys(v, keys))) throw invalidBody('All object keys must match')
    return { raw, isObject: false, keys: sortKeys(keys) }
  }
  // PostgREST truncates every other JSON value (scalars, []) to an empty array.
  return { raw: '[]', isObject: false, keys: [] }
}

export function looksLikeObject(raw: string): boolean {
  return raw.trimStart().startsWith('{')
}

export interface PayloadInput {
  /** Bytes only for `application/octet-stream`: every other type is read as UTF-8 text. */
  body: string | Buffer
  contentType: string | undefined
  isRpc: boolean
  /** `columns=` given: the body is not inspected, the listed columns are used. */
  hasColumnsParam: boolean
}

/** Postgres' JSON parser recurses; a body nested deeper than this would exhaust its stack (54001). */
export const MAX_JSON_DEPTH = 512

function jsonDepth(raw: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (inString) {
      if (c === 92) i++
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) max = Math.max(max, ++depth)
    else if (c === 125 || c === 93) depth--
  }
  return max
}

function parseJsonBody(body: string, isRpc: boolean, hasColumnsParam: boolean): Payload {
  if (jsonDepth(body) > MAX_JSON_DEPTH) throw invalidBody(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`)
  if (hasColumnsParam) return { raw: body, isObject: looksLikeObject(body), keys: [] }
  const raw = body === '' && isRpc ? '{}' : body
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    // PostgREST drops the parser's message for a generic one (its issue #2344).
    throw invalidBody('Empty or invalid json')
  }
  return fromJsonValue(raw, value)
}

function parseUrlEncodedBody(body: string): Payload {
  const form = [...new URLSearchParams(body)]
  const obj: Record<string, string> = {}
  for (const [k, v] of form) obj[k] = v
  return { raw: JSON.stringify(obj), isObject: true, keys: sortKeys(Object.keys(obj)), form }
}

/** The raw bodies a function of one unnamed parameter of that type takes as they are (PostgREST's RawPay). */
const RAW_ARG_TYPES: Readonly<Record<string, RawArgType>> = { 'text/plain': 'text', 'text/xml': 'xml', 'application/octet-stream': 'bytea' }

/** The media type of a Content-Type header, lower case, without parameters (JSON when absent). */
export const contentMediaType = (contentType: string | undefined) => (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? ''

export function parsePayload({ body: sent, contentType, isRpc, hasColumnsParam }: PayloadInput): Payload {
  const mime = contentMediaType(contentType)
  const rawType = isRpc ? RAW_ARG_TYPES[mime] : undefined
  if (rawType !== undefined) {
    const value = rawType === 'bytea' ? (typeof sent === 'string' ? Buffer.from(sent) : sent) : sent.toString()
    return { raw: '{}', isObject: true, keys: [], rawArg: { type: rawType, value } }
  }
  const body = sent.toString()
  if (mime === 'application/json') return { ...parseJsonBody(body, isRpc, hasColumnsParam), isJson: true }
  if (mime === 'application/x-www-form-urlencoded') return parseUrlEncodedBody(body)
  if (mime === 'text/csv') {
    const raw = csvToJson(body)
    return fromJsonValue(raw, JSON.parse(raw))
  }
  throw invalidBody(`Content-Type not acceptable: ${mime}`)
}
