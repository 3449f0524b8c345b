/**
 * Errors a database function raises on purpose to choose the HTTP answer, as PostgREST documents
 * (docs/references/errors.rst, "Raise errors with HTTP Status Codes"): `RAISE SQLSTATE 'PTxyz'`
 * answers status xyz, and `RAISE SQLSTATE 'PGRST' USING MESSAGE '<json>', DETAIL '<json>'` sets
 * the body (code, message, details, hint), the status and headers. to-api-error.ts recognises the
 * SQLSTATEs; this file reads what the function put in them.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ApiError } from './api-error.js'

/**
 * The status a `PTxyz` SQLSTATE asks for, or undefined when `xyz` is not a number (PostgREST
 * then answers 500). Floe also refuses what no error response can carry: a 1xx, 204, 205 or 304
 * (an error has a body) and anything past 599.
 */
export function ptStatus(code: string): ContentfulStatusCode | undefined {
  const digits = code.slice(2)
  if (!/^\d{3}$/.test(digits)) return undefined
  const n = Number(digits)
  return n >= 200 && n <= 599 && n !== 204 && n !== 205 ? (n as ContentfulStatusCode) : undefined
}

const PGRST121_MESSAGE = 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error'
const MESSAGE_HINT = "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'."
const DETAIL_HINT = "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'."

const unparsable = (details: string, hint: string) => new ApiError('PGRST121', { message: PGRST121_MESSAGE, details, hint })

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

const isOptionalText = (v: unknown): v is string | null | undefined => v === undefined || v === null || typeof v === 'string'

interface RaisedBody { code: string; message: string; details: string | null; hint: string | null }
interface RaisedResponse { status: number; headers: Record<string, string> }

function readMessage(m: Record<string, unknown> | undefined): RaisedBody | undefined {
  if (!m || typeof m.code !== 'string' || typeof m.message !== 'string' || !isOptionalText(m.details) || !isOptionalText(m.hint)) return undefined
  return { code: m.code, message: m.message, details: m.details ?? null, hint: m.hint ?? null }
}

function readDetail(d: Record<string, unknown> | undefined): RaisedResponse | undefined {
  if (!d || typeof d.status !== 'number' || !Number.isInteger(d.status) || !isOptionalText(d.status_text)) return undefined
  const h = d.headers
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return undefined
  const headers = h as Record<string, unknown>
  if (!Object.values(headers).every((v) => typeof v === 'string')) return undefined
  return { status: d.status, headers: headers as Record<string, string> }
}

/**
 * The ApiError a `RAISE SQLSTATE 'PGRST'` asks for, or PGRST121 (500) naming what could not be
 * read, in PostgREST's order: MESSAGE, then a missing DETAIL, then DETAIL. A status no response
 * can carry (see ptStatus) is answered 500. `status_text` is accepted but not sent: Floe's
 * responses carry the standard reason phrase.
 */
export function pgrstRaised(message: string, detail: string | undefined, cause: unknown): ApiError {
  const body = readMessage(parseObject(message))
  if (!body) return unparsable(`Invalid JSON value for MESSAGE: '${message}'`, MESSAGE_HINT)
  if (detail === undefined) return unparsable('DETAIL is missing in the RAISE statement', DETAIL_HINT)
  const response = readDetail(parseObject(detail))
  if (!response) return unparsable(`Invalid JSON value for DETAIL: '${detail}'`, DETAIL_HINT)
  const status = ptStatus(`PT${response.status}`) ?? 500
  return new ApiError({ passThrough: body.code, status }, { message: body.message, details: body.details, hint: body.hint, headers: response.headers, cause })
}
