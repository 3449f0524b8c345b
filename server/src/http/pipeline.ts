/**
 * The one request pipeline. Every request goes through these stages, in this order:
 *
 *   open      request id (a sane incoming X-Request-Id is kept) and a logger carrying it;
 *             secure and CORS headers; a CORS preflight is answered here
 *   admit     per-IP limit (not for public routes) → [BODY_LIMIT, Hono only: direct routes read
 *             their own body] → identity (apikey + bearer; not for public routes) → per-user limit
 *   deadline  REQUEST_TIMEOUT_MS around admission and the route (not for `untimed` routes)
 *   fail      anything thrown → the one error body (http/error-response.ts)
 *   finish    one access-log line
 *
 * The stages are plain functions over plain inputs. Two thin adapters run them: the Hono
 * middleware (hono.ts: every route, and app.request in tests) and the Node front end
 * (node-front.ts: direct routes straight from the IncomingMessage). Neither holds any step of
 * its own, so both answer a request with the same status, headers, body and log line.
 */
import { HTTPException } from 'hono/http-exception'
import type { Redis } from 'ioredis'
import type { Logger } from '../log.js'
import { clientIpFrom } from './client-ip.js'
import { errorOutcome, type ErrorOutcome } from './error-response.js'
import type { Credentials, Identity, IdentityResolver } from './identity.js'
import { createRateLimiter, type RateLimiter } from './rate-limit.js'
import { incomingRequestId, logRequest } from './request-context.js'
import { corsPreflightHeaders, simpleResponseHeaders } from './response-headers.js'
import type { RoutePolicy } from './routes.js'

export interface PipelineOptions {
  log: Logger
  resolveIdentity: IdentityResolver
  corsOrigins: '*' | string[]
  trustProxy: boolean
  requestTimeoutMs: number
  /** BODY_LIMIT, for routes that do not read their own body. */
  bodyLimit: number
  rateLimit: { windowMs: number; perIp: number; perUser: number }
  /** Shared counters across replicas when given (per process otherwise). */
  redis?: Redis | undefined
  redisPrefix: string
  /**
   * Hears each finished request (metrics): synchronous, called once per request with the matched
   * route's template (never the path sent), so it must stay cheap.
   */
  observe?: ((route: string, method: string, status: number, seconds: number) => void) | undefined
}

/** What admission needs to know of a request, whichever front end holds it. */
export interface AdmissionRequest {
  header(name: string): string | undefined
  /** The `apikey` query parameter (for clients that cannot set headers), read only if asked. */
  queryApikey(): string | undefined
  /** The socket's peer address (undefined in-process). */
  peer(): string | undefined
}

export type SetHeaders = (entries: Iterable<readonly [string, string]>) => void

export interface Pipeline {
  log: Logger
  bodyLimit: number
  /** The request id to use and the secure + CORS headers of a response to `origin`. */
  open(incomingId: string | undefined, origin: string | undefined): { requestId: string; headers: readonly (readonly [string, string])[] }
  /** The headers of the 204 answering a CORS preflight. */
  preflight(origin: string | undefined): readonly (readonly [string, string])[]
  limitIp(policy: RoutePolicy, req: AdmissionRequest, set: SetHeaders): Promise<void>
  identify(policy: RoutePolicy, req: AdmissionRequest): Promise<Identity | undefined>
  limitUser(identity: Identity | undefined, set: SetHeaders): Promise<void>
  /**
   * The three in order, for a front end with nothing to do between them (the Node front end; Hono
   * puts BODY_LIMIT after the per-IP limit). `resolved` hears the identity as soon as it is known,
   * so a 429 from the per-user limit is logged with the caller's role.
   */
  admit(policy: RoutePolicy, req: AdmissionRequest, set: SetHeaders, resolved: (identity: Identity | undefined) => void): Promise<Identity | undefined>
  /** `work` within REQUEST_TIMEOUT_MS (504 TIMEOUT past it), unless the route is untimed. */
  deadline<T>(policy: RoutePolicy, work: () => Promise<T>): Promise<T>
  /** `policy`: the matched route's, whose `errors` names the dialect of the body. */
  fail(err: unknown, identity: Identity | undefined, log: Logger, policy?: RoutePolicy): ErrorOutcome
  /** `log`: the request's logger, asked for only when the line is written; `route`: the matched template. */
  finish(log: () => Logger, r: { method: string; path: string; route: string; status: number; started: number; role: string | undefined }): void
}

export function createPipeline(o: PipelineOptions): Pipeline {
  const limiter = (name: string, limit: number): RateLimiter | undefined =>
    limit > 0 ? createRateLimiter({ name, windowMs: o.rateLimit.windowMs, limit, redis: o.redis, redisPrefix: o.redisPrefix, log: o.log }) : undefined
  const ipLimiter = limiter('ip', o.rateLimit.perIp)
  const userLimiter = limiter('user', o.rateLimit.perUser)
  const headersFor = simpleResponseHeaders(o.corsOrigins)
  // Not async where there is nothing to do: these run on every request, and each async layer
  // costs an allocation and a tick (the direct routes' CPU is counted in microseconds).
  const count = (l: RateLimiter | undefined, key: string | undefined, set: SetHeaders): Promise<void> =>
    !l || key === undefined
      ? DONE
      : l.hit(key).then((hit) => {
          set(hit.headers)
          if (hit.error) throw hit.error
        })
  const limitIp: Pipeline['limitIp'] = (policy, req, set) =>
    policy.public || !ipLimiter ? DONE : count(ipLimiter, clientIpFrom(req.header('x-forwarded-for'), o.trustProxy, req.peer), set)
  const identify: Pipeline['identify'] = (policy, req) => {
    if (policy.public) return NOBODY
    // A query-string key is accepted as Supabase's gateway does, for clients that cannot set
    // headers (EventSource, WebSocket, a docs page); it is never logged (logs carry the path only).
    const credentials: Credentials = { apikey: req.header('apikey') ?? req.queryApikey(), authorization: req.header('authorization'), asRole: req.header('x-floe-role') }
    return o.resolveIdentity(credentials)
  }
  const limitUser: Pipeline['limitUser'] = (identity, set) => count(userLimiter, userKey(identity), set)
  return {
    log: o.log,
    bodyLimit: o.bodyLimit,
    open: (incomingId, origin) => ({ requestId: incomingRequestId(incomingId), headers: headersFor(origin) }),
    preflight: (origin) => corsPreflightHeaders(o.corsOrigins, origin),
    limitIp,
    identify,
    limitUser,
    async admit(policy, req, set, resolved) {
      await limitIp(policy, req, set)
      const identity = await identify(policy, req)
      resolved(identity)
      await limitUser(identity, set)
      return identity
    },
    deadline(policy, work) {
      if (policy.untimed) return work()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new HTTPException(504, { message: 'The request took too long' })), o.requestTimeoutMs)
        work().then(
          (value) => {
            clearTimeout(timer)
            resolve(value)
          },
          (err: unknown) => {
            clearTimeout(timer)
            reject(err)
          },
        )
      })
    },
    fail: (err, identity, log, policy) => errorOutcome(err, identity?.role ?? 'anon', log, policy?.errors),
    finish(log, r) {
      o.observe?.(r.route, r.method, r.status, (performance.now() - r.started) / 1000)
      if (r.status >= 500 || o.log.isLevelEnabled('info')) logRequest(log(), r)
    },
  }
}

const DONE: Promise<void> = Promise.resolve()
const NOBODY: Promise<undefined> = Promise.resolve(undefined)

/** The per-user limit counts by the token's `sub`; a caller without one is not counted. */
function userKey(identity: Identity | undefined): string | undefined {
  const sub = identity?.claims.sub
  return typeof sub === 'string' && sub !== '' ? sub : undefined
}
