import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ApiError, type ApiErrorOptions } from '../errors/index.js'

/**
 * Auth's error codes. better-auth's own codes (INVALID_EMAIL_OR_PASSWORD, BANNED_USER, ...) are
 * passed through unchanged, since clients of better-auth branch on them; these are the few Floe
 * adds around it. Kept beside the module (like the data API's PostgREST codes) and raised with
 * ApiError.raw so they take the one error path; the lead may fold them into errors/codes.ts.
 */
const AUTH_CODES = {
  AUTH_REFRESH_TOKEN_INVALID: { status: 401, message: 'Invalid or expired refresh token' },
  AUTH_UNSUPPORTED_GRANT_TYPE: { status: 400, message: 'Unsupported grant_type' },
} as const satisfies Record<string, { status: ContentfulStatusCode; message: string }>

export type AuthErrorCode = keyof typeof AUTH_CODES

export function authError(code: AuthErrorCode, options: Omit<ApiErrorOptions, 'message'> = {}): ApiError {
  const entry = AUTH_CODES[code]
  return ApiError.raw(code, entry.status, { ...options, message: entry.message })
}

interface BetterAuthErrorBody {
  code?: unknown
  message?: unknown
}

/**
 * better-auth answers errors as `{ code, message }` (sometimes with no body); Floe's clients get
 * `{ code, message, details, hint }` from the one error handler. This turns a better-auth error
 * response into the ApiError to throw, keeping better-auth's code string.
 */
export async function apiErrorFromAuthResponse(res: Response): Promise<ApiError> {
  const status = res.status
  if (status >= 500) return new ApiError('INTERNAL', { cause: new Error(`better-auth answered ${status}`) })
  let body: BetterAuthErrorBody = {}
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    body = ((await res.json().catch(() => ({}))) ?? {}) as BetterAuthErrorBody
  }
  const code = typeof body.code === 'string' && /^[A-Z0-9_]{2,80}$/.test(body.code) ? body.code : undefined
  const message = typeof body.message === 'string' && body.message !== '' ? body.message : undefined
  const headers: Record<string, string> = {}
  const retryAfter = res.headers.get('retry-after')
  if (retryAfter) headers['Retry-After'] = retryAfter
  if (code) return ApiError.raw(code, status as ContentfulStatusCode, { message: message ?? code.toLowerCase().replace(/_/g, ' '), headers })
  const fallback = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 429 ? 'RATE_LIMITED' : 'INVALID_INPUT'
  const e = new ApiError(fallback, { ...(message ? { message } : {}), headers })
  return status === e.status ? e : ApiError.raw(fallback, status as ContentfulStatusCode, { message: e.message, headers })
}
