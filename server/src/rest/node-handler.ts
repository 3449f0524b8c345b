/**
 * The data API's fast path in the Node server: `/rest/v1/<table>` and `/rest/v1/rpc/<fn>` are
 * served straight from the IncomingMessage, in front of Hono. It does what the Hono middleware
 * chain does for these routes, in the same order and with the same shared pieces — request id,
 * secure and CORS headers, per-IP limit, identity, per-user limit, the request timeout, the one
 * error shape and the access log — and then calls the same RestHandler as the Hono route.
 *
 * Why: on a primary-key read the Hono chain and its Node adapter (a context, a middleware
 * closure per layer, a Headers object, a fetch Response written back) cost more CPU than the
 * whole data API pipeline (see bench/README.md). Everything else, the preflights (OPTIONS) and
 * `GET /rest/v1/` (the OpenAPI document) still go through Hono.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HTTPException } from 'hono/http-exception'
import type { Identity, IdentityResolver } from '../auth/index.js'
import { clientIpFrom, errorOutcome, incomingRequestId, logRequest, readIncomingText, type FrontHandler, type RateLimiter } from '../http/index.js'
import type { Logger } from '../log.js'
import { REST_METHODS, type RestHandler } from './router.js'

export interface NodeRestOptions {
  rest: RestHandler
  resolveIdentity: IdentityResolver
  /** The same limiter instances as the Hono middleware, so both paths count together. */
  ipLimiter?: RateLimiter | undefined
  userLimiter?: RateLimiter | undefined
  /** What the per-user limit counts by (the token's `sub`); undefined → not counted. */
  userKey: (identity: Identity) => string | undefined
  /** Secure and CORS headers of a simple request from an origin. */
  responseHeaders: (origin: string | undefined) => [string, string][]
  log: Logger
  trustProxy: boolean
  requestTimeoutMs: number
  /** BODY_LIMIT, enforced while reading. */
  bodyLimit: number
}

/** Serves a data API request and returns true, or returns false (untouched) for Hono to serve. */
export type NodeRestHandler = FrontHandler

const METHODS: ReadonlySet<string> = new Set(REST_METHODS)
/** `/rest/v1/<name>` or `/rest/v1/rpc/<name>`, one trailing slash allowed (the Hono app is not strict). */
const ROUTE = /^\/rest\/v1\/(?:(rpc)\/)?([^/]+)\/?$/

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

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
  const timeoutError = () => new HTTPException(504, { message: 'The request took too long' })

  async function serve(req: IncomingMessage, res: ServerResponse, method: string, kind: 'table' | 'rpc', name: string, pathname: string, search: string) {
    const started = performance.now()
    const requestId = incomingRequestId(headerOf(req, 'x-request-id'))
    let requestLog: Logger | undefined
    const logFor = () => (requestLog ??= o.log.child({ reqId: requestId }))
    // Lower-case names, as the Hono adapter sends them: a later value replaces an earlier one
    // whatever case each source spelled it in.
    const headers: Record<string, string | number> = { 'x-request-id': requestId }
    const set = (entries: Iterable<[string, string]>) => {
      for (const [k, v] of entries) headers[k.toLowerCase()] = v
    }
    set(o.responseHeaders(headerOf(req, 'origin')))
    const limit = async (limiter: RateLimiter | undefined, key: string | undefined) => {
      if (!limiter || key === undefined) return
      const hit = await limiter.hit(key)
      set(hit.headers)
      if (hit.error) throw hit.error
    }
    let identity: Identity | undefined
    let status: number
    let body: string | null
    let timer: NodeJS.Timeout | undefined
    try {
      const work = (async () => {
        await limit(o.ipLimiter, clientIpFrom(headerOf(req, 'x-forwarded-for'), o.trustProxy, () => req.socket.remoteAddress))
        identity = await o.resolveIdentity({
          apikey: headerOf(req, 'apikey') ?? (search.includes('apikey') ? (new URLSearchParams(search).get('apikey') ?? undefined) : undefined),
          authorization: headerOf(req, 'authorization'),
        })
        await limit(o.userLimiter, o.userKey(identity))
        return o.rest.handle({
          method,
          kind,
          name,
          pathname,
          search,
          headers: { get: (n) => headerOf(req, n) ?? null },
          readBody: () => readIncomingText(req, o.bodyLimit),
          identity,
        })
      })()
      const out = await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(timeoutError()), o.requestTimeoutMs)
        }),
      ])
      status = out.status
      set(Object.entries(out.headers))
      body = out.body
    } catch (err) {
      const e = errorOutcome(err, identity?.role ?? 'anon', logFor())
      status = e.status
      set(Object.entries(e.headers))
      body = e.body
    } finally {
      clearTimeout(timer)
    }
    if (body !== null) headers['content-length'] = Buffer.byteLength(body)
    res.writeHead(status, headers)
    res.end(body ?? undefined)
    if (status >= 500 || o.log.isLevelEnabled('info')) logRequest(logFor(), { method, path: decoded(pathname, decodeURI) ?? pathname, status, started, role: identity?.role })
  }

  return (req, res) => {
    const url = req.url
    const method = req.method
    if (url === undefined || method === undefined || !METHODS.has(method) || !url.startsWith('/rest/v1/')) return false
    const q = url.indexOf('?')
    const pathname = q < 0 ? url : url.slice(0, q)
    const m = ROUTE.exec(pathname)
    const name = m ? decoded(m[2]!, decodeURIComponent) : undefined
    if (!m || name === undefined) return false
    void serve(req, res, method, m[1] ? 'rpc' : 'table', name, pathname, q < 0 ? '' : url.slice(q)).catch((err: unknown) => {
      // Only a failure to write the response can land here (the client went away).
      o.log.warn({ err: { message: (err as Error).message } }, 'data API response not written')
      if (!res.headersSent) res.writeHead(500).end()
    })
    return true
  }
}
