/**
 * `response.headers` and `response.status` set by SQL during the request (a function, a trigger, a
 * policy) change the HTTP answer, as PostgREST's overrideStatusHeaders (Response.hs): the
 * statement reads both back in the same round trip, and here they replace the status and any
 * header of the same name (case-insensitively); a name may repeat (two `Set-Cookie`).
 */
import { ApiError } from '../errors/index.js'

export interface OverridableResponse {
  status: number
  headers: Record<string, string | string[]>
  body: string | Uint8Array<ArrayBuffer> | null
}

const badHeaders = () =>
  new ApiError('PGRST111', { message: 'response.headers guc must be a JSON array composed of objects with a single key and a string value', details: null, hint: null })

const badStatus = () => new ApiError('PGRST112', { message: 'response.status guc must be a valid status code', details: null, hint: null })

/** PostgREST's GucHeader: `[{"Name": "value"}, ...]`, each object with exactly one string value. */
export function parseGucHeaders(raw: string): [string, string][] {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw badHeaders()
  }
  if (!Array.isArray(value)) throw badHeaders()
  return value.map((item: unknown): [string, string] => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badHeaders()
    const entries = Object.entries(item)
    const [only] = entries
    if (entries.length !== 1 || only === undefined || typeof only[1] !== 'string') throw badHeaders()
    return [only[0], only[1]]
  })
}

/**
 * PostgREST reads the leading digits (Data.Text.Read.decimal). Floe also requires a final status
 * HTTP can send with a response (200-599): a 1xx is not an answer, and the fetch front end
 * cannot build one.
 */
export function parseGucStatus(raw: string): number {
  const digits = /^\d+/.exec(raw)?.[0]
  const status = digits === undefined ? NaN : Number(digits)
  if (!(status >= 200 && status <= 599)) throw badStatus()
  return status
}

/** Statuses whose responses have no body (HTTP; the fetch Response refuses one). */
const NO_BODY = new Set([204, 205, 304])

export function applyResponseSettings<R extends OverridableResponse>(res: R, headersGuc: string | null | undefined, statusGuc: string | null | undefined): R {
  if (!headersGuc && !statusGuc) return res
  const status = statusGuc ? parseGucStatus(statusGuc) : res.status
  const headers = { ...res.headers }
  if (headersGuc) {
    const set = parseGucHeaders(headersGuc)
    const names = new Set(set.map(([name]) => name.toLowerCase()))
    for (const name of Object.keys(headers)) if (names.has(name.toLowerCase())) delete headers[name]
    for (const [name, value] of set) {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name
      const prior = headers[key]
      headers[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value]
    }
  }
  return { ...res, status, headers, body: NO_BODY.has(status) ? null : res.body }
}
