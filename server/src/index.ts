/**
 * Boot: read config, connect (or start the embedded PostgreSQL), migrate, ensure the instance's
 * secrets, build the app, listen; and the graceful shutdown that undoes it in reverse order.
 */
import { Redis } from 'ioredis'
import type { Server } from 'node:http'
import { createAdminSetup, createRulesService } from './admin/index.js'
import {
  createApiKeyVerifier,
  createAuthService,
  createIdentityResolver,
  createMailer,
  ensureInstanceSecrets,
  isLiveAdminSession,
  jwtKeysFrom,
  listKeys,
  RELOAD_KEYS_PAYLOAD,
  type ApiKeyVerifier,
  type AuthService,
  type JwtKeys,
} from './auth/index.js'
import { createServerApp, type AppDeps, type ServerApp } from './app.js'
import type { Config } from './config.js'
import {
  adoptExistingTables,
  createDatabase,
  createRequestTransactions,
  createWithServiceRole,
  ensureExposedSchemas,
  migrate,
  startEmbeddedPostgres,
  type Database,
  type EmbeddedDatabase,
} from './db/index.js'
import { readinessChecks } from './health/index.js'
import { createJobs, type Jobs } from './jobs/index.js'
import { createRestHandler, createSchemaCacheHolder, type SchemaCacheHolder } from './rest/index.js'
import { createNodeServer } from './http/index.js'
import type { Logger } from './log.js'
import { createMetrics, type Metrics } from './metrics/index.js'
import { createRealtime, type RealtimeSettings } from './realtime/index.js'
import { createObjectStore, createSigner, createStorageService, type ObjectStore, type StorageService } from './storage/index.js'
import { FLOE_VERSION } from './version.js'

export const REQUEST_ROLES: ReadonlySet<string> = new Set(['anon', 'authenticated', 'service_role'])

export interface RunningFloe {
  url: string
  port: number
  anonKey: string | undefined
  /** Set only on the first boot that generated it. */
  createdServiceKey: string | undefined
  jwtKeys: JwtKeys
  database: Database
  close(): Promise<void>
}

/** Connects to Redis if configured; an unreachable Redis is reported, not fatal. */
async function connectRedis(url: string | undefined, log: Logger): Promise<Redis | undefined> {
  if (!url) return undefined
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  })
  let reported = false
  redis.on('error', (err) => {
    if (!reported) log.warn({ err: { message: err.message } }, 'Redis unreachable: rate limits count per process until it is back')
    reported = true
  })
  redis.on('ready', () => {
    if (reported) log.info('Redis connection ready')
    reported = false
  })
  await redis.connect().catch(() => undefined)
  return redis
}

/** The object store (initialised: an unreachable one is logged, not fatal) and the storage service over it. */
export async function createStorage(core: { config: Readonly<Config>; database: Database; jwtKeys: JwtKeys; log: Logger; metrics?: Metrics | undefined }): Promise<{ objectStore: ObjectStore; storage: StorageService }> {
  const { config, database, log } = core
  const objectStore = createObjectStore(config.storage, config.dataDir)
  await objectStore.init().catch((err: unknown) => log.error({ err: { message: (err as Error).message } }, `storage (${objectStore.kind}) is not reachable`))
  const storage = createStorageService({
    ...createRequestTransactions(database, { allowedRoles: REQUEST_ROLES, statementTimeoutMs: config.requestTimeoutMs }),
    withServiceRole: createWithServiceRole(database.withOwner),
    store: objectStore,
    // Signed URLs verify with the instance's current JWT secret, whichever process made them.
    signer: createSigner(core.jwtKeys.secrets[0]!),
    config: config.storage,
    log,
    meter: core.metrics?.storage,
  })
  return { objectStore, storage }
}

/** What the process holds before the app is built: connections, keys and the modules' runtimes. */
export interface CoreServices {
  config: Readonly<Config>
  log: Logger
  database: Database
  redis?: Redis | undefined
  apiKeys: ApiKeyVerifier
  jwtKeys: JwtKeys
  schemaCache: SchemaCacheHolder
  objectStore: ObjectStore
  storage: StorageService
  auth?: AuthService | undefined
  jobs?: Jobs | undefined
  /** The process's metrics (the storage and jobs above count into it); a new one when absent. */
  metrics?: Metrics | undefined
}

/**
 * The services app.ts serves, built from the process's connections: the one place they are
 * built (startFloe, and the tests' in-process app through the same function).
 */
export function createServices(core: CoreServices): AppDeps {
  const { config, log, database } = core
  const metrics = core.metrics ?? createMetrics()
  metrics.watch({ schemaCache: core.schemaCache })
  const { withRequestRole, runStatement } = createRequestTransactions(database, { allowedRoles: REQUEST_ROLES, statementTimeoutMs: config.requestTimeoutMs })
  const resolveIdentity = createIdentityResolver({
    apiKeys: core.apiKeys,
    jwtKeys: core.jwtKeys,
    allowedRoles: REQUEST_ROLES,
    isLiveAdmin: (userId, sessionId) => isLiveAdminSession(database.pool, userId, sessionId),
  })
  // Realtime (issue 16): its owner closes it (startFloe's cleanups, the tests' close).
  const realtime = createRealtime({
    database,
    withRequestRole,
    resolveIdentity,
    redis: core.redis,
    redisPrefix: config.redisPrefix,
    log,
    settings: realtimeSettings(config),
    jobs: core.jobs?.watcher,
    meter: metrics.realtime,
  })
  return {
    config,
    log,
    database,
    resolveIdentity,
    redis: core.redis,
    readiness: readinessChecks({ database, objectStore: core.objectStore, schemaCache: core.schemaCache, jobs: core.jobs, redis: core.redis, realtime }),
    rest: createRestHandler({
      schemaCache: core.schemaCache,
      withRequestRole,
      runStatement,
      publicUrl: config.publicUrl,
      version: FLOE_VERSION,
      limits: { maxRows: config.rest.maxRows, maxEmbedDepth: config.rest.maxEmbedDepth, maxFilters: config.rest.maxFilters },
    }),
    storage: core.storage,
    rules: createRulesService({
      withOwner: database.withOwner,
      exposedSchemas: config.dbSchemas,
      allowedRoles: REQUEST_ROLES,
      statementTimeoutMs: config.requestTimeoutMs,
      log,
    }),
    auth: core.auth,
    // The setup token's key derives from the JWT signing secret, which every replica shares.
    adminSetup: core.auth && createAdminSetup({ withOwner: database.withOwner, auth: core.auth, secret: core.jwtKeys.secrets[0]!, log }),
    jobs: core.jobs,
    realtime,
    metrics,
  }
}

function realtimeSettings(config: Readonly<Config>): RealtimeSettings {
  const { retentionS, heartbeatTimeoutS, ...limits } = config.realtime
  return { retentionS, limits: { ...limits, heartbeatTimeoutMs: heartbeatTimeoutS * 1000 } }
}

export async function startFloe(config: Readonly<Config>, log: Logger): Promise<RunningFloe> {
  const cleanups: (() => Promise<void>)[] = []
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => log.warn({ err }, 'shutdown step failed'))
  }
  try {
    let embedded: EmbeddedDatabase | undefined
    let databaseUrl = config.databaseUrl
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres(config.dataDir, log, { port: config.dbPort })
      cleanups.push(() => embedded!.stop())
      databaseUrl = embedded.url
      log.info({ port: embedded.port, dir: embedded.dataDir }, 'embedded PostgreSQL started (no DATABASE_URL set)')
    }
    const database = createDatabase(databaseUrl, { max: config.databasePoolMax, log })
    cleanups.push(() => database.close())
    // Before the modules that count into it (storage, jobs, realtime, every request).
    const metrics = createMetrics()
    // Floe's migrations, then the app's (FLOE_MIGRATIONS_DIR): a failing one stops boot, naming its file and line.
    await migrate(database.pool, log, undefined, { appDir: config.migrationsDir, exposedSchemas: config.dbSchemas })
    const { missing } = await ensureExposedSchemas(database.pool, config.dbSchemas)
    if (missing.length > 0) log.warn({ schemas: missing }, 'exposed schemas that do not exist yet')
    // Tables that predate Floe (or a newly exposed schema): service key in, anon/authenticated fail-closed.
    await adoptExistingTables(database.pool, log)

    const apiKeys = createApiKeyVerifier(database.db, config)
    cleanups.push(async () => apiKeys.stop())
    // Key rotations on the process's one LISTEN connection, so a revoked key stops working on
    // every replica at once (after a reconnect: reload anyway).
    const refreshKeys = () => void apiKeys.refresh().catch(() => undefined)
    cleanups.push(await database.listener.listen('floe', (payload) => payload === RELOAD_KEYS_PAYLOAD && refreshKeys(), { onMissed: refreshKeys }))
    const schemaCache = await createSchemaCacheHolder({ database, schemas: config.dbSchemas, log })
    cleanups.push(() => schemaCache.close())
    const secrets = await ensureInstanceSecrets(database.withOwner, config)
    const jwtKeys = jwtKeysFrom(secrets.jwtSecret, config.jwtPreviousSecrets)
    // Jobs (issue 7) before auth: auth emails go through the `email` queue, whose handler sends
    // with this mailer. Cleanups run in reverse: the server stops, then the workers finish their
    // active jobs, and only then does the mailer close.
    const mailer = createMailer({ smtp: config.auth.smtp, from: config.auth.mailFrom, db: database.db, log })
    cleanups.push(() => mailer.close())
    // Storage (issue 6): an unreachable S3 is reported (log, /ready) but does not stop the rest.
    // Built before jobs: their handlers use the same service (as the service role).
    const { objectStore, storage } = await createStorage({ config, database, jwtKeys, log, metrics })
    const jobs = await createJobs({ config, database, log, mailer, storage, workers: config.jobs.workers, meter: metrics.jobs })
    cleanups.push(() => jobs.close())
    const auth = await createAuthService({ config, database, jwtKeys, log, mailer: jobs.mailer }) // /auth/v1 (issue 5)
    cleanups.push(() => auth.close())
    const redis = await connectRedis(config.redisUrl, log)
    if (redis) cleanups.push(async () => void (await redis.quit().catch(() => redis.disconnect())))

    const services = createServices({ config, log, database, redis, apiKeys, jwtKeys, schemaCache, objectStore, storage, auth, jobs, metrics })
    // Realtime's hub and feed stop after the server; its sockets close before it (below), since
    // the server's close would otherwise wait on them.
    cleanups.push(() => services.realtime.close())
    const served = createServerApp(services)
    await announceAdminSetup(services, config, log)

    const server = await listen(served, config)
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : config.port
    cleanups.push(() => closeServer(server, config.shutdownTimeoutMs, log))
    cleanups.push(() => services.realtime.drain())

    const anonKey = config.anonKey ?? secrets.createdKeys.anon ?? (await readAnonKey(database, secrets.jwtSecret))
    return {
      url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
      port,
      anonKey,
      createdServiceKey: secrets.createdKeys.service,
      jwtKeys,
      database,
      close: cleanup,
    }
  } catch (err) {
    await cleanup()
    throw err
  }
}

/**
 * The first admin: FLOE_ADMIN_EMAIL's, ensured; else, while no admin exists, the one-time setup
 * link. This log line is the only place the token is ever written.
 */
async function announceAdminSetup(services: AppDeps, config: Readonly<Config>, log: Logger): Promise<void> {
  const setup = services.adminSetup
  if (!setup) return
  if (config.admin) {
    const outcome = await setup.ensureAdmin(config.admin)
    if (outcome === 'created') log.info({ email: config.admin.email }, 'admin account created from FLOE_ADMIN_EMAIL')
    if (outcome === 'promoted') log.warn({ email: config.admin.email }, 'FLOE_ADMIN_EMAIL names an existing account: made it admin; its password is unchanged')
  }
  const token = await setup.prepare()
  if (token) log.info(`No admin yet: open ${config.publicUrl}/dashboard/setup?token=${token} to create the first one (the link works until an admin exists)`)
}

async function readAnonKey(database: Database, jwtSecret: string): Promise<string | undefined> {
  const keys = await listKeys(database.db, jwtSecret).catch(() => [])
  return keys.find((k) => k.kind === 'anon')?.key
}

/** The Hono app behind the Node front end (the direct routes: `/rest/v1/...`, `POST /jobs/v1/:queue`). */
function listen({ app, nodeFront, nodeUpgrade }: ServerApp, config: Readonly<Config>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createNodeServer(app.fetch, nodeFront, config.host, nodeUpgrade)
    server.listen(config.port, config.host, () => resolve(server))
    server.once('error', reject)
  })
}

/** Stop accepting, let in-flight requests finish, then cut what is left after the timeout. */
function closeServer(server: Server, timeoutMs: number, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      log.warn({ timeoutMs }, 'shutdown: closing connections still open')
      server.closeAllConnections()
    }, timeoutMs)
    timer.unref()
    server.close(() => {
      clearTimeout(timer)
      resolve()
    })
    server.closeIdleConnections()
  })
}
