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
/** better-auth's refusals of a request's origin, answered with the setting that would let it through. */
const ORIGIN_CODES = new Set(['INVALID_ORIGIN', 'MISSING_OR_NULL_ORIGIN', 'CROSS_SITE_NAVIGATION_LOGIN_BLOCKED'])

export async function apiErrorFromAuthResponse(res: Response, origin?: string): Promise<ApiError> {
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
  if (code && ORIGIN_CODES.has(code)) {
    return new ApiError({ passThrough: code, status }, {
      message: message ?? 'The request origin is not trusted',
      details: origin ? `Origin "${origin.slice(0, 200)}" is not one of PUBLIC_URL's or AUTH_TRUSTED_ORIGINS'` : 'The request carried a cookie but no Origin header',
      hint: 'Add the origin of your app to AUTH_TRUSTED_ORIGINS (comma-separated) or make it PUBLIC_URL; server-side clients can send the apikey header without cookies instead',
      headers,
    })
  }
  if (code) return new ApiError({ passThrough: code, status }, { message: message ?? code.toLowerCase().replace(/_/g, ' '), headers })
  const fallback = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 429 ? 'RATE_LIMITED' : 'INVALID_INPUT'
  const e = new ApiError(fallback, { ...(message ? { message } : {}), headers })
  // No code from better-auth: the nearest platform code, still with better-auth's status (a 422 stays a 422).
  return status === e.status ? e : new ApiError({ passThrough: fallback, status }, { message: e.message, headers })
}
