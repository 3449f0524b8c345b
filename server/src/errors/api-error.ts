import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ERROR_CODES, type ErrorCode } from './codes.js'

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
 * The one error type routes and services throw. `code` is a registry code, or (data API only)
 * a PostgREST code / SQLSTATE with an explicit status via `ApiError.raw`.
 */
export class ApiError extends Error {
  readonly code: string
  readonly status: ContentfulStatusCode
  readonly details: ErrorDetails
  readonly hint: string | null
  readonly headers: Record<string, string>

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    const entry = ERROR_CODES[code]
    super(options.message ?? entry.message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ApiError'
    this.code = code
    this.status = entry.status as ContentfulStatusCode
    this.details = options.details ?? null
    this.hint = options.hint ?? null
    this.headers = options.headers ?? {}
  }

  /** For the data API, whose codes (PGRSTnnn, SQLSTATE) live outside the registry. */
  static raw(code: string, status: ContentfulStatusCode, options: ApiErrorOptions & { message: string }): ApiError {
    const e = new ApiError('INTERNAL', options)
    Object.defineProperty(e, 'code', { value: code })
    Object.defineProperty(e, 'status', { value: status })
    return e
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint }
  }
}
