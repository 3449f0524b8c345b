import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './context.js'

/**
 * The headers hono's secureHeaders (with Floe's options: CORP cross-origin, no COOP) and cors add
 * to a simple request, set BEFORE the handler runs as prepared headers. Those two middlewares
 * write to `c.res.headers` after the handler, which makes the Node adapter materialise a full
 * fetch Response for every request; on the data API's hot path that cost showed in profiles.
 * Only for handlers that build their response through the context (c.body / c.json /
 * c.newResponse), which merges prepared headers: the data API. Preflights still go to `cors`.
 */
const SECURE_HEADERS: readonly [string, string][] = [
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

/** The secure and CORS headers of a simple (non-preflight) request from `origin`. */
export function simpleResponseHeaders(corsOrigins: '*' | string[], exposeHeaders: string[]): (origin: string | undefined) => [string, string][] {
  const expose: [string, string] = ['Access-Control-Expose-Headers', exposeHeaders.join(',')]
  if (corsOrigins === '*') {
    const all: [string, string][] = [...SECURE_HEADERS, ['Access-Control-Allow-Origin', '*'], expose]
    return () => all
  }
  const vary: [string, string][] = [...SECURE_HEADERS, ['Vary', 'Origin'], expose]
  return (origin) => (origin && corsOrigins.includes(origin) ? [...vary, ['Access-Control-Allow-Origin', origin]] : vary)
}

export function preparedResponseHeaders(corsOrigins: '*' | string[], exposeHeaders: string[]): MiddlewareHandler<AppEnv> {
  const headersFor = simpleResponseHeaders(corsOrigins, exposeHeaders)
  return async (c, next) => {
    for (const [name, value] of headersFor(c.req.header('origin'))) c.header(name, value)
    await next()
  }
}
