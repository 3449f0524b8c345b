/**
 * The secure and CORS headers of every response, in one place for both front ends. They are
 * computed once per origin and set before the route runs, so a route's own response never has
 * to be copied to carry them.
 *
 * The secure headers are those of helmet's defaults that apply to an API (as hono's
 * secureHeaders sets them), with CORP cross-origin (browser apps on other origins load objects)
 * and no COOP (no documents to isolate). CORS follows the Fetch standard as hono's cors does:
 * a preflight (any OPTIONS) is answered 204 with the allowed methods and headers.
 */
const SECURE_HEADERS: readonly (readonly [string, string])[] = [
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
]

/**
 * Request headers a browser app may send (supabase-js's, PostgREST's, tus's): auth-js sends
 * x-supabase-api-version on every call and postgrest-js x-retry-count on a retry; the dashboard
 * sends x-floe-role (an admin acting as the service role).
 */
export const CORS_ALLOW_HEADERS = [
  'apikey', 'authorization', 'content-type', 'prefer', 'range', 'range-unit', 'accept', 'accept-profile',
  'content-profile', 'x-client-info', 'x-request-id', 'x-upsert', 'if-none-match', 'if-match', 'x-metadata',
  'x-supabase-api-version', 'x-retry-count', 'x-floe-role',
  'tus-resumable', 'upload-length', 'upload-offset', 'upload-metadata', 'upload-defer-length', 'upload-concat',
]
/** Response headers a browser app may read. */
export const CORS_EXPOSE_HEADERS = [
  'content-range', 'content-location', 'location', 'preference-applied', 'x-request-id', 'retry-after',
  'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'etag', 'content-disposition', 'accept-ranges',
  'x-supabase-api-version',
  'tus-resumable', 'tus-version', 'tus-extension', 'tus-max-size', 'upload-offset', 'upload-length', 'upload-metadata',
]
const CORS_ALLOW_METHODS = 'GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS'
const CORS_MAX_AGE_S = '86400'

type Header = readonly [string, string]

const allowOrigin = (corsOrigins: '*' | string[], origin: string | undefined): Header[] =>
  corsOrigins === '*' ? [['Access-Control-Allow-Origin', '*']] : origin && corsOrigins.includes(origin) ? [['Access-Control-Allow-Origin', origin]] : []

/** The secure and CORS headers of a simple (non-preflight) response to `origin`. */
export function simpleResponseHeaders(corsOrigins: '*' | string[]): (origin: string | undefined) => readonly Header[] {
  const expose: Header = ['Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS.join(',')]
  if (corsOrigins === '*') {
    const all: Header[] = [...SECURE_HEADERS, ...allowOrigin('*', undefined), expose]
    return () => all
  }
  const vary: Header[] = [...SECURE_HEADERS, ['Vary', 'Origin'], expose]
  const byOrigin = new Map(corsOrigins.map((o) => [o, [...vary, ...allowOrigin(corsOrigins, o)]]))
  return (origin) => (origin !== undefined && byOrigin.get(origin)) || vary
}

/** The headers of the 204 that answers a CORS preflight from `origin`. */
export function corsPreflightHeaders(corsOrigins: '*' | string[], origin: string | undefined): readonly Header[] {
  return [
    ...SECURE_HEADERS,
    ...allowOrigin(corsOrigins, origin),
    ['Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS.join(',')],
    ['Vary', corsOrigins === '*' ? 'Access-Control-Request-Headers' : 'Origin, Access-Control-Request-Headers'],
    ['Access-Control-Max-Age', CORS_MAX_AGE_S],
    ['Access-Control-Allow-Methods', CORS_ALLOW_METHODS],
    ['Access-Control-Allow-Headers', CORS_ALLOW_HEADERS.join(',')],
  ]
}

/**
 * Two `Vary` values as one: the pipeline's (`Origin`, under a CORS allowlist) and a route's (the
 * data API's `Accept, Prefer, Range`, as PostgREST sends) both hold, so neither may replace the
 * other. Names compare case-insensitively; the first spelling is kept.
 */
export function mergeVary(existing: string | undefined, added: string): string {
  if (!existing) return added
  const seen = new Set(existing.split(',').map((v) => v.trim().toLowerCase()))
  const extra = added.split(',').map((v) => v.trim()).filter((v) => v !== '' && !seen.has(v.toLowerCase()))
  return extra.length === 0 ? existing : `${existing}, ${extra.join(', ')}`
}
