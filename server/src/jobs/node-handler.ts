/**
 * The enqueue route's fast path in the Node server: `POST /jobs/v1/<queue>` is served straight
 * from the IncomingMessage, in front of Hono, the way the data API's is (rest/node-handler.ts).
 * It does what the Hono middleware chain does for this route, in the same order and with the
 * same shared pieces — request id, secure and CORS headers, per-IP limit, the request timeout,
 * identity, per-user limit, the one error shape and the access log — and then runs the same
 * `enqueueFromRequest` as the Hono route (routes/enqueue-job.ts).
 *
 * Why: a no-op enqueue is one Redis script call; the Hono chain and its Node adapter (a context,
 * a closure per middleware layer, Headers objects, a fetch Response written back) cost several
 * times that in CPU (bench/README.md, "Jobs"). Every other jobs route, and `admin`, go to Hono.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HTTPException } from 'hono/http-exception'
import type { Identity, IdentityResolver } from '../auth/index.js'
import { clientIpFrom, errorOutcome, incomingRequestId, logRequest, readIncomingText, type FrontHandler, type RateLimiter } from '../http/index.js'
import type { Logger } from '../log.js'
import { enqueueFromRequest } from './routes/enqueue-job.js'
import type { Jobs } from './runtime.js'

export interface NodeJobsOptions {
  jobs: Jobs
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

/** `/jobs/v1/<queue>`, one trailing slash allowed (the Hono app is not strict). */
const ROUTE = /^\/jobs\/v1\/([^/]+)\/?$/

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

/** The path as Hono's non-strict app reports it (c.req.path): without a trailing slash. */
const logPath = (pathname: string) => (pathname.endsWith('/') ? pathname.slice(0, -1) : pathname)

export function createNodeJobsHandler(o: NodeJobsOptions): FrontHandler {
  const timeoutError = () => new HTTPException(504, { message: 'The request took too long' })
  const maxBodyBytes = o.jobs.service.maxBodyBytes

  async function serve(req: IncomingMessage, res: ServerResponse, queue: string, pathname: string, search: string) {
    const started = performance.now()
    const requestId = incomingRequestId(headerOf(req, 'x-request-id'))
    let requestLog: Logger | undefined
    const logFor = () => (requestLog ??= o.log.child({ reqId: requestId }))
    // Lower-case names, as the Hono adapter sends them: a later value replaces an earlier one.
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
    let body: string
    let timer: NodeJS.Timeout | undefined
    try {
      const work = (async () => {
        await limit(o.ipLimiter, clientIpFrom(headerOf(req, 'x-forwarded-for'), o.trustProxy, () => req.socket.remoteAddress))
        const who = await o.resolveIdentity({
          apikey: headerOf(req, 'apikey') ?? (search.includes('apikey') ? (new URLSearchParams(search).get('apikey') ?? undefined) : undefined),
          authorization: headerOf(req, 'authorization'),
        })
        identity = who
        await limit(o.userLimiter, o.userKey(who))
        return enqueueFromRequest(o.jobs, {
          queue,
          contentType: headerOf(req, 'content-type'),
          readBody: () => readIncomingText(req, maxBodyBytes),
          identity: () => who,
        })
      })()
      const job = await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(timeoutError()), o.requestTimeoutMs)
        }),
      ])
      status = 202
      headers['content-type'] = 'application/json'
      body = JSON.stringify(job)
    } catch (err) {
      const e = errorOutcome(err, identity?.role ?? 'anon', logFor())
      status = e.status
      set(Object.entries(e.headers))
      body = e.body
    } finally {
      clearTimeout(timer)
    }
    headers['content-length'] = Buffer.byteLength(body)
    res.writeHead(status, headers)
    res.end(body)
    if (status >= 500 || o.log.isLevelEnabled('info')) logRequest(logFor(), { method: 'POST', path: logPath(pathname), status, started, role: identity?.role })
  }

  return (req, res) => {
    const url = req.url
    if (req.method !== 'POST' || url === undefined || !url.startsWith('/jobs/v1/')) return false
    const q = url.indexOf('?')
    const pathname = q < 0 ? url : url.slice(0, q)
    const m = ROUTE.exec(pathname)
    const queue = m?.[1]
    // `admin` is the admin routes' segment: Hono answers it (its service-key check comes first).
    // A percent-escaped path goes to Hono too: no queue name needs one (a-z 0-9 _ -), and Hono's
    // decoding of path and param (malformed escapes, %25) is then the only one there is.
    if (queue === undefined || queue === 'admin' || pathname.includes('%')) return false
    void serve(req, res, queue, pathname, q < 0 ? '' : url.slice(q)).catch((err: unknown) => {
      // Only a failure to write the response can land here (the client went away).
      o.log.warn({ err: { message: (err as Error).message } }, 'jobs enqueue response not written')
      if (!res.headersSent) res.writeHead(500).end()
    })
    return true
  }
}
