import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ERROR_CODES, POSTGREST_CODES, type ErrorCode, type PostgrestCode } from './codes.js'
import { GOTRUE_CODES, isGoTrueCode, type GoTrueCode } from './gotrue.js'

/** `details` is text, except where PostgREST sends JSON (PGRST201's candidate list). */
export type ErrorDetails = string | null | readonly Record<string, unknown>[]

export interface ErrorBody {
  code: string
  message: string
  details: ErrorDetails
  hint: string | null
}

export interface ApiErrorOptions {
  message?: string
  details?: ErrorDetails
  hint?: string | null
  /** Logged, never sent. */
  cause?: unknown
  /** Extra response headers (e.g. Retry-After, WWW-Authenticate). */
  headers?: Record<string, string>
}

/**
 * A code from outside Floe, answered with the status its origin gave it: a SQLSTATE (status from
 * statusForSqlState), a better-auth code (better-auth's own status). Clients branch on these codes,
 * so they are sent as they came. (Auth also answers a platform code with better-auth's status when
 * better-auth sends no code, e.g. INVALID_INPUT with a 422.)
 */
export interface PassThroughCode {
  passThrough: string
  status: ContentfulStatusCode
}

/** The one error type routes and services throw. */
export class ApiError extends Error {
  readonly code: string
  readonly status: ContentfulStatusCode
  readonly details: ErrorDetails
  readonly hint: string | null
  readonly headers: Record<string, string>

  /** A platform code: status and default message from ERROR_CODES. */
  constructor(code: ErrorCode, options?: ApiErrorOptions)
  /** A PostgREST code (data API): status from POSTGREST_CODES, message in PostgREST's words. */
  constructor(code: PostgrestCode, options: ApiErrorOptions & { message: string })
  /** A GoTrue code (the auth routes auth-js calls): status and default message from GOTRUE_CODES. */
  constructor(code: GoTrueCode, options?: ApiErrorOptions)
  /** A code from outside Floe (SQLSTATE, better-auth), sent unchanged with its origin's status. */
  constructor(code: PassThroughCode, options: ApiErrorOptions & { message: string })
  constructor(code: ErrorCode | PostgrestCode | GoTrueCode | PassThroughCode, options: ApiErrorOptions = {}) {
    const entry = entryOf(code)
    super(options.message ?? entry.message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ApiError'
    this.code = entry.code
    this.status = entry.status
    this.details = options.details ?? null
    this.hint = options.hint ?? null
    this.headers = options.headers ?? {}
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint }
  }
}

const isPostgrestCode = (code: string): code is PostgrestCode => Object.hasOwn(POSTGREST_CODES, code)

function entryOf(code: ErrorCode | PostgrestCode | GoTrueCode | PassThroughCode): { code: string; status: ContentfulStatusCode; message?: string } {
  if (typeof code === 'object') return { code: code.passThrough, status: code.status }
  if (isPostgrestCode(code)) return { code, ...POSTGREST_CODES[code] }
  if (isGoTrueCode(code)) return { code, ...GOTRUE_CODES[code] }
  return { code, ...ERROR_CODES[code] }
}
