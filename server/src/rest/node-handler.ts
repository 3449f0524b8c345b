/**
 * The data API's fast path in the Node server: `/rest/v1/<table>` and `/rest/v1/rpc/<fn>` are
 * served straight from the IncomingMessage, in front of Hono. The Hono middleware chain's work
 * for these routes is done by serveFast (http/fast-path.ts, shared with the enqueue route's fast
 * path), which then calls the same RestHandler as the Hono route.
 *
 * Why: on a primary-key read the Hono chain and its Node adapter (a context, a middleware
 * closure per layer, a Headers object, a fetch Response written back) cost more CPU than the
 * whole data API pipeline (see bench/README.md). Everything else, the preflights (OPTIONS) and
 * `GET /rest/v1/` (the OpenAPI document) still go through Hono.
 */
import type { FastPathOptions, FrontHandler } from '../http/index.js'
import { headerOf, readIncomingText, serveFast, withoutTrailingSlash } from '../http/index.js'
import { REST_METHODS, type RestHandler } from './router.js'

export interface NodeRestOptions extends FastPathOptions {
  rest: RestHandler
  /** BODY_LIMIT, enforced while reading. */
  bodyLimit: number
}

/** Serves a data API request and returns true, or returns false (untouched) for Hono to serve. */
export type NodeRestHandler = FrontHandler

const METHODS: ReadonlySet<string> = new Set(REST_METHODS)
/** `/rest/v1/<name>` or `/rest/v1/rpc/<name>`, one trailing slash allowed (the Hono app is not strict). */
const ROUTE = /^\/rest\/v1\/(?:(rpc)\/)?([^/]+)\/?$/

/** Decodes percent-escapes as Hono does for routing; undefined when malformed (Hono decides then). */
function decoded(s: string, decode: (s: string) => string): string | undefined {
  if (!s.includes('%')) return s
  try {
    return decode(s)
  } catch {
    return undefined
  }
}

export function createNodeRestHandler(o: NodeRestOptions): NodeRestHandler {
  return (req, res) => {
    const url = req.url
    const method = req.method
    if (url === undefined || method === undefined || !METHODS.has(method) || !url.startsWith('/rest/v1/')) return false
    const q = url.indexOf('?')
    const pathname = q < 0 ? url : url.slice(0, q)
    const m = ROUTE.exec(pathname)
    const name = m ? decoded(m[2]!, decodeURIComponent) : undefined
    if (!m || name === undefined) return false
    const search = q < 0 ? '' : url.slice(q)
    serveFast(o, req, res, {
      method,
      search,
      logPath: withoutTrailingSlash(decoded(pathname, decodeURI) ?? pathname),
      label: 'data API response not written',
      run: (identity) =>
        o.rest.handle({
          method,
          kind: m[1] ? 'rpc' : 'table',
          name,
          pathname,
          search,
          headers: { get: (n) => headerOf(req, n) ?? null },
          readBody: () => readIncomingText(req, o.bodyLimit),
          identity,
        }),
    })
    return true
  }
}
