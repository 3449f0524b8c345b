import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ApiError } from '../errors/index.js'

interface BetterAuthErrorBody {
  code?: unknown
  message?: unknown
}

/**
 * better-auth answers errors as `{ code, message }` (sometimes with no body); Floe's clients get
 * `{ code, message, details, hint }` from the one error handler. This turns a better-auth error
 * response into the ApiError to throw. better-auth's own codes (INVALID_EMAIL_OR_PASSWORD,
 * BANNED_USER, ...) and statuses pass through unchanged, since its clients branch on them; Floe's
 * own auth codes (AUTH_…) are in errors/codes.ts.
 */
export async function apiErrorFromAuthResponse(res: Response): Promise<ApiError> {
  const status = res.status as ContentfulStatusCode
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
  if (code) return new ApiError({ passThrough: code, status }, { message: message ?? code.toLowerCase().replace(/_/g, ' '), headers })
  const fallback = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 429 ? 'RATE_LIMITED' : 'INVALID_INPUT'
  const e = new ApiError(fallback, { ...(message ? { message } : {}), headers })
  // No code from better-auth: the nearest platform code, still with better-auth's status (a 422 stays a 422).
  return status === e.status ? e : new ApiError({ passThrough: fallback, status }, { message: e.message, headers })
}
