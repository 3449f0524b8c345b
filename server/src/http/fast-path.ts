/**
 * What every Node fast path in front of Hono (the data API's, the enqueue route's) does around
 * its own work, in the order the Hono middleware chain does it and with the same shared pieces:
 * request id, secure and CORS headers, per-IP limit, identity, per-user limit, the request
 * timeout, the one error shape and the access log. A fast path only says which requests it takes
 * and what `run` answers for one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HTTPException } from 'hono/http-exception'
import type { Identity, IdentityResolver } from './identity.js'
import type { Logger } from '../log.js'
import { clientIpFrom } from './client-ip.js'
import { errorOutcome } from './error-response.js'
import type { RateLimiter } from './rate-limit.js'
import { incomingRequestId, logRequest } from './request-context.js'

export interface FastPathOptions {
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
}

export interface FastResponse {
  status: number
  headers: Record<string, string>
  body: string | null
}

export interface FastRoute {
  method: string
  /** The query string with its `?`, or '' (an `apikey` may come in it). */
  search: string
  /** The path the access log shows, as Hono's `c.req.path` would (decoded, no trailing slash). */
  logPath: string
  /** What gets written in the log when the response could not be written (the client went away). */
  label: string
  run: (identity: Identity) => Promise<FastResponse>
}

export const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

/** The path as Hono's non-strict app reports it (c.req.path): without a trailing slash. */
export const withoutTrailingSlash = (pathname: string): string => (pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname)

/** Serves one request the fast path took; never rejects. */
export function serveFast(o: FastPathOptions, req: IncomingMessage, res: ServerResponse, route: FastRoute): void {
  serve(o, req, res, route).catch((err: unknown) => {
    o.log.warn({ err: { message: (err as Error).message } }, route.label)
    if (!res.headersSent) res.writeHead(500).end()
  })
}

async function serve(o: FastPathOptions, req: IncomingMessage, res: ServerResponse, route: FastRoute): Promise<void> {
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
  let out: FastResponse
  let timer: NodeJS.Timeout | undefined
  try {
    const work = (async () => {
      await limit(o.ipLimiter, clientIpFrom(headerOf(req, 'x-forwarded-for'), o.trustProxy, () => req.socket.remoteAddress))
      const who = await o.resolveIdentity({
        apikey: headerOf(req, 'apikey') ?? (route.search.includes('apikey') ? (new URLSearchParams(route.search).get('apikey') ?? undefined) : undefined),
        authorization: headerOf(req, 'authorization'),
      })
      identity = who
      await limit(o.userLimiter, o.userKey(who))
      return route.run(who)
    })()
    out = await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HTTPException(504, { message: 'The request took too long' })), o.requestTimeoutMs)
      }),
    ])
  } catch (err) {
    out = errorOutcome(err, identity?.role ?? 'anon', logFor())
  } finally {
    clearTimeout(timer)
  }
  set(Object.entries(out.headers))
  if (out.body !== null) headers['content-length'] = Buffer.byteLength(out.body)
  res.writeHead(out.status, headers)
  res.end(out.body ?? undefined)
  if (out.status >= 500 || o.log.isLevelEnabled('info')) {
    logRequest(logFor(), { method: route.method, path: route.logPath, status: out.status, started, role: identity?.role })
  }
}
