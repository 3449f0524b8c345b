/**
 * Composes the Hono app from services built elsewhere (index.ts): the one request pipeline, each
 * module's routes at its prefix with the policies the module declares, the OpenAPI document and
 * the one error handler; and the Node front end that serves the direct routes. Nothing here
 * reads env, opens connections, builds a service or tests a URL.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Redis } from 'ioredis'
import { adminRouter, adminSetupRouter, type AdminSetup, type RulesService } from './admin/index.js'
import { typegenRouter } from './typegen/index.js'
import { createAnonKeyReader, dashboardRouter } from './dashboard/index.js'
import { authRouter, type AuthService } from './auth/index.js'
import type { Config } from './config.js'
import type { Database } from './db/index.js'
import { ApiError } from './errors/index.js'
import { healthRouter, type ReadinessCheck } from './health/index.js'
import {
  createNodeFront,
  createNodeUpgrade,
  createPipeline,
  createRouteTable,
  pipelineMiddleware,
  type AppEnv,
  type FrontHandler,
  type IdentityResolver,
  type Mount,
  type Pipeline,
  type RouteTable,
  type UpgradeHandler,
} from './http/index.js'
import { describeHandlerPayloads, jobsRouter, type Jobs } from './jobs/index.js'
import type { Logger } from './log.js'
import { metricsRouter, type Metrics } from './metrics/index.js'
import { mountOpenApi, OPENAPI_POLICIES } from './openapi/index.js'
import { realtimeRouter, type Realtime } from './realtime/index.js'
import { restRouter, type RestHandler } from './rest/index.js'
import { storageRouter, type StorageService } from './storage/index.js'
import { FLOE_VERSION } from './version.js'

export interface AppDeps {
  config: Readonly<Config>
  log: Logger
  database: Database
  /** Credentials → Identity (auth's resolver over the API keys and JWT keys). */
  resolveIdentity: IdentityResolver
  /** Shared rate-limit counters across replicas (per process without it). */
  redis?: Redis | undefined
  readiness: ReadinessCheck[]
  /** The data API, mounted at /rest/v1. */
  rest: RestHandler
  /** Buckets and objects, mounted at /storage/v1. */
  storage: StorageService
  /** Row-level rules, mounted at /admin/v1. */
  rules: RulesService
  /** The first admin's public setup routes (/admin/v1/setup), when accounts are served. */
  adminSetup?: AdminSetup | undefined
  /** Accounts and sessions (better-auth), mounted at /auth/v1 when given. */
  auth?: AuthService | undefined
  /** Queues, workers and the outbox relay, mounted at /jobs/v1 when given (503s without Redis). */
  jobs?: Jobs | undefined
  /** WebSockets (Supabase Realtime protocol) and the broadcast API, mounted at /realtime/v1. */
  realtime: Realtime
  /** Prometheus series, served at /metrics; the pipeline counts every request into it. */
  metrics: Metrics
}

export interface ServerApp {
  app: OpenAPIHono<AppEnv>
  /** What the Node server puts in front of `app`: the direct routes, served without Hono. */
  nodeFront: FrontHandler
  /** What the Node server answers requests to switch protocols with: the upgrade routes. */
  nodeUpgrade: UpgradeHandler
}

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  return createServerApp(deps).app
}

export function createServerApp(deps: AppDeps): ServerApp {
  const { config, log } = deps
  const pipeline = createPipeline({
    log,
    resolveIdentity: deps.resolveIdentity,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    requestTimeoutMs: config.requestTimeoutMs,
    bodyLimit: config.bodyLimit,
    rateLimit: config.rateLimit,
    redis: deps.redis,
    redisPrefix: config.redisPrefix,
    observe: deps.metrics.observeRequest,
  })
  deps.metrics.watch({ pool: deps.database.pool, realtime: deps.realtime, queueDepths: deps.jobs && queueDepthsOf(deps.jobs) })
  const mounts: Mount[] = [
    { prefix: '', ...healthRouter(deps.readiness) },
    { prefix: '', ...metricsRouter({ metrics: deps.metrics, resolveIdentity: deps.resolveIdentity, token: config.metricsToken }) },
    ...(deps.auth ? [{ prefix: '/auth/v1', ...authRouter({ auth: deps.auth, config, log, redis: deps.redis }) }] : []),
    // Before adminRouter, whose requireAdmin runs for every path under /admin/v1: the setup
    // routes answer first, so it never sees them.
    ...(deps.adminSetup ? [{ prefix: '/admin/v1', ...adminSetupRouter(deps.adminSetup, { trustProxy: config.trustProxy }) }] : []),
    { prefix: '/admin/v1', router: adminRouter({
      pool: deps.database.pool,
      withOwner: deps.database.withOwner,
      rules: deps.rules,
      auth: deps.auth,
      exposedSchemas: config.dbSchemas,
      statementTimeoutMs: config.requestTimeoutMs,
      log,
      rest: deps.rest,
      bodyLimit: config.bodyLimit,
      instanceKeys: config,
    }) },
    { prefix: '/admin/v1', router: typegenRouter({
        withOwner: deps.database.withOwner,
        defaultSchemas: config.dbSchemas,
        payloadSchemas: async () => Object.fromEntries(await describeHandlerPayloads(config.jobs.functionsDir, log)),
      }) },
    { prefix: '/rest/v1', ...restRouter(deps.rest, config.bodyLimit) },
    { prefix: '/storage/v1', ...storageRouter({ service: deps.storage, publicUrl: config.publicUrl, dataDir: config.dataDir }) },
    ...(deps.jobs ? [{ prefix: '/jobs/v1', ...jobsRouter(deps.jobs) }] : []),
    { prefix: '/realtime/v1', ...realtimeRouter(deps.realtime) },
    { prefix: '/dashboard', ...dashboardRouter({ publicUrl: config.publicUrl, readAnonKey: createAnonKeyReader(deps.database.withOwner, config) }) },
  ]
  const table = createRouteTable([...mounts, { prefix: '', policies: OPENAPI_POLICIES }])

  // Not strict: `/rest/v1/` (where PostgREST serves its OpenAPI) and `/rest/v1` are one route.
  const app = new OpenAPIHono<AppEnv>({ strict: false })
  app.use(...pipelineMiddleware(pipeline, table))
  for (const m of mounts) app.route(m.prefix || '/', m.router)
  mountOpenApi(app, config.publicUrl, FLOE_VERSION)
  app.notFound((c) => errorResponse(c, new ApiError('NOT_FOUND', { details: `No route matches ${c.req.method} ${c.req.path}` }), pipeline, table))
  app.onError((err, c) => errorResponse(c, err, pipeline, table))
  return { app, nodeFront: createNodeFront(pipeline, table), nodeUpgrade: createNodeUpgrade(pipeline, table) }
}

/** Each declared queue's jobs by state, for /metrics (which caches the answer). */
function queueDepthsOf(jobs: Jobs) {
  return async () => {
    const queues = await jobs.service.listQueues()
    return Promise.all(queues.map(async ({ name }) => ({ queue: name, counts: await jobs.service.counts(name) })))
  }
}

function errorResponse(c: Context<AppEnv>, err: unknown, pipeline: Pipeline, table: RouteTable): Response {
  const e = pipeline.fail(err, c.var.identity, c.var.log ?? pipeline.log, table.match(c.req.method, c.req.path).policy)
  return c.body(e.body, e.status as ContentfulStatusCode, e.headers)
}
