/**
 * Builds the Hono app from its dependencies: the middleware order, the one error handler, and
 * each module's router. Nothing here reads env or opens connections (see index.ts), so a test
 * builds an app with exactly the settings it needs.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { secureHeaders } from 'hono/secure-headers'
import { timeout } from 'hono/timeout'
import { HTTPException } from 'hono/http-exception'
import type { Redis } from 'ioredis'
import { adminRouter, createRulesService } from './admin/index.js'
import { authRouter, createIdentityResolver, identityMiddleware, isPublicAuthPath, type ApiKeyVerifier, type AuthService, type JwtKeys } from './auth/index.js'
import type { Config } from './config.js'
import type { Database, RunStatement, WithRequestRole } from './db/index.js'
import { ApiError } from './errors/index.js'
import { healthRouter, type ReadinessCheck } from './health/index.js'
import { createNodeJobsHandler, isJobsEnqueuePath, jobsRouter, type Jobs } from './jobs/index.js'
import { chainFronts, clientIp, createRateLimiter, errorOutcome, preparedResponseHeaders, rateLimitWith, requestContext, simpleResponseHeaders, type AppEnv, type FrontHandler, type Identity } from './http/index.js'
import type { Logger } from './log.js'
import { mountOpenApi } from './openapi/index.js'
import { createNodeRestHandler, createRestHandler, restRouter, type SchemaCacheHolder } from './rest/index.js'
import { createStorageService, createObjectStore, createSigner, isPublicStoragePath, isStorageUploadPath, storageRouter, type ObjectStore } from './storage/index.js'
import { createWithServiceRole } from './db/index.js'
import { FLOE_VERSION } from './version.js'

export interface AppDeps {
  config: Readonly<Config>
  log: Logger
  database: Database
  withRequestRole: WithRequestRole
  runStatement: RunStatement
  apiKeys: ApiKeyVerifier
  jwtKeys: JwtKeys
  allowedRoles: ReadonlySet<string>
  redis?: Redis | undefined
  readiness: ReadinessCheck[]
  /** The data API's schema cache (reloaded live); the data API is mounted at /rest/v1. */
  schemaCache: SchemaCacheHolder
  /** Accounts and sessions (better-auth), mounted at /auth/v1 when given. */
  auth?: AuthService | undefined
  /** Queues, workers and the outbox relay, mounted at /jobs/v1 when given (503s without Redis). */
  jobs?: Jobs | undefined
  /** Where object bytes live (built from config.storage when not given; index.ts inits it at boot). */
  objectStore?: ObjectStore | undefined
}

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Paths served without credentials: probes and the API description. */
const PUBLIC_PATHS = new Set(['/health', '/ready', '/openapi.json', '/docs'])
// Auth: links opened from emails or OAuth redirects, and the token refresh (see auth/router.ts).
const isPublic = (c: Context) =>
  PUBLIC_PATHS.has(c.req.path) || isPublicAuthPath(c.req.method, c.req.path) || isPublicStoragePath(c.req.method, c.req.path)

export const CORS_ALLOW_HEADERS = [
  'apikey', 'authorization', 'content-type', 'prefer', 'range', 'range-unit', 'accept', 'accept-profile',
  'content-profile', 'x-client-info', 'x-request-id', 'x-upsert', 'if-none-match', 'if-match', 'x-metadata',
  'tus-resumable', 'upload-length', 'upload-offset', 'upload-metadata', 'upload-defer-length', 'upload-concat',
]
export const CORS_EXPOSE_HEADERS = [
  'content-range', 'content-location', 'location', 'preference-applied', 'x-request-id', 'retry-after',
  'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'etag', 'content-disposition', 'accept-ranges',
  'tus-resumable', 'tus-version', 'tus-extension', 'tus-max-size', 'upload-offset', 'upload-length', 'upload-metadata',
]

export interface ServerApp {
  app: OpenAPIHono<AppEnv>
  /** The fast paths for the Node server, in front of `app`: the data API's (rest/node-handler.ts),
   *  then the jobs enqueue route's (jobs/node-handler.ts) when jobs are mounted. */
  nodeHandler: FrontHandler
}

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  return createServerApp(deps).app
}

/** The Hono app and, sharing its limiters, identity and data API handler, the Node fast path. */
export function createServerApp(deps: AppDeps): ServerApp {
  const { config, log } = deps
  // Not strict: `/rest/v1/` (where PostgREST serves its OpenAPI) and `/rest/v1` are one route.
  const app = new OpenAPIHono<AppEnv>({ strict: false })

  app.use(requestContext(log))
  const standardHeaders = [
    secureHeaders({ crossOriginResourcePolicy: 'cross-origin', crossOriginOpenerPolicy: false }),
    cors({
      origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
      allowHeaders: CORS_ALLOW_HEADERS,
      exposeHeaders: CORS_EXPOSE_HEADERS,
      allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      maxAge: 86_400,
    }),
  ] as const
  const fastHeaders = preparedResponseHeaders(config.corsOrigins, CORS_EXPOSE_HEADERS)
  // The same headers either way; the data API (not its preflights) takes the cheaper path.
  app.use((c, next) =>
    c.req.method !== 'OPTIONS' && c.req.path.startsWith('/rest/v1')
      ? fastHeaders(c, next)
      : standardHeaders[0](c, async () => {
          // cors answers a preflight by returning a Response instead of calling next.
          const preflight = await standardHeaders[1](c, next)
          if (preflight) c.res = preflight
        }),
  )
  const limiter = (name: string, limit: number) =>
    limit > 0 ? createRateLimiter({ name, windowMs: config.rateLimit.windowMs, limit, redis: deps.redis, redisPrefix: config.redisPrefix, log }) : undefined
  const ipLimiter = limiter('ip', config.rateLimit.perIp)
  const userLimiter = limiter('user', config.rateLimit.perUser)
  const userKey = (identity: Identity | undefined) => {
    const sub = identity?.claims.sub
    return typeof sub === 'string' && sub !== '' ? sub : undefined
  }
  if (ipLimiter) app.use(rateLimitWith(ipLimiter, (c) => (isPublic(c) ? undefined : clientIp(c, config.trustProxy))))
  const limitBody = bodyLimit({
    maxSize: config.bodyLimit,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', { details: `The limit is ${config.bodyLimit} bytes`, hint: 'Send a smaller body' })
    },
  })
  // Only where a body is expected: asking a GET for its body makes the Node adapter build a full
  // fetch Request (with an AbortSignal) on the hot read path, for nothing.
  // Storage uploads stream and enforce the storage limits while streaming (storage/upload-guard.ts);
  // they also outlive the request timeout, which is sized for API calls, not for large files.
  const isUpload = (c: Context) => isStorageUploadPath(c.req.method, c.req.path)
  // The data API and the jobs enqueue route enforce BODY_LIMIT themselves while reading the raw body
  // (rest/router.ts, jobs/routes/enqueue-job.ts); letting bodyLimit look at the body first would
  // start the adapter's web stream and steal the bytes.
  const readsOwnBody = (c: Context) => isUpload(c) || c.req.path.startsWith('/rest/v1') || isJobsEnqueuePath(c.req.method, c.req.path)
  app.use((c, next) => (BODYLESS_METHODS.has(c.req.method) || readsOwnBody(c) ? next() : limitBody(c, next)))
  const limitTime = timeout(config.requestTimeoutMs, () => new HTTPException(504, { message: 'The request took too long' }))
  app.use((c, next) => (isUpload(c) ? next() : limitTime(c, next)))

  const resolveIdentity = createIdentityResolver({ apiKeys: deps.apiKeys, jwtKeys: deps.jwtKeys, allowedRoles: deps.allowedRoles })
  const identity = identityMiddleware(resolveIdentity)
  app.use(async (c, next) => (isPublic(c) ? next() : identity(c, next)))
  if (userLimiter) app.use(rateLimitWith(userLimiter, (c) => userKey(c.var.identity)))

  app.route('/', healthRouter(deps.readiness))
  if (deps.auth) app.route('/auth/v1', authRouter({ auth: deps.auth, config, log, redis: deps.redis }))
  const rules = createRulesService({
    pool: deps.database.pool,
    exposedSchemas: config.dbSchemas,
    allowedRoles: deps.allowedRoles,
    statementTimeoutMs: config.requestTimeoutMs,
    log,
  })
  app.route('/admin/v1', adminRouter({ pool: deps.database.pool, rules }))
  const rest = createRestHandler({
    schemaCache: deps.schemaCache,
    withRequestRole: deps.withRequestRole,
    runStatement: deps.runStatement,
    publicUrl: config.publicUrl,
    version: FLOE_VERSION,
    limits: { maxRows: config.rest.maxRows, maxEmbedDepth: config.rest.maxEmbedDepth, maxFilters: config.rest.maxFilters },
  })
  app.route('/rest/v1', restRouter(rest, config.bodyLimit))
  const storage = createStorageService({
    withRequestRole: deps.withRequestRole,
    withServiceRole: createWithServiceRole(deps.database.db),
    store: deps.objectStore ?? createObjectStore(config.storage, config.dataDir),
    signer: createSigner(deps.jwtKeys.secrets[0]!),
    config: config.storage,
    log,
  })
  app.route('/storage/v1', storageRouter({ service: storage, publicUrl: config.publicUrl, dataDir: config.dataDir }))
  if (deps.jobs) app.route('/jobs/v1', jobsRouter(deps.jobs))
  mountOpenApi(app, config.publicUrl, FLOE_VERSION)

  app.notFound((c) => errorResponse(c, new ApiError('NOT_FOUND', { details: `No route matches ${c.req.method} ${c.req.path}` }), log))
  app.onError((err, c) => errorResponse(c, err, log))

  const responseHeaders = simpleResponseHeaders(config.corsOrigins, CORS_EXPOSE_HEADERS)
  const restFront = createNodeRestHandler({
    rest,
    resolveIdentity,
    ipLimiter,
    userLimiter,
    userKey,
    responseHeaders,
    log,
    trustProxy: config.trustProxy,
    requestTimeoutMs: config.requestTimeoutMs,
    bodyLimit: config.bodyLimit,
  })
  const jobsFront = deps.jobs
    ? createNodeJobsHandler({ jobs: deps.jobs, resolveIdentity, ipLimiter, userLimiter, userKey, responseHeaders, log, trustProxy: config.trustProxy, requestTimeoutMs: config.requestTimeoutMs })
    : undefined
  return { app, nodeHandler: jobsFront ? chainFronts(restFront, jobsFront) : restFront }
}

function errorResponse(c: Context<AppEnv>, err: unknown, log: Logger): Response {
  const e = errorOutcome(err, c.var.identity?.role ?? 'anon', c.var.log ?? log)
  return c.body(e.body, e.status as ContentfulStatusCode, e.headers)
}
