/**
 * Boot: read config, connect (or start the embedded PostgreSQL), migrate, ensure the instance's
 * secrets, build the app, listen; and the graceful shutdown that undoes it in reverse order.
 */
import { Redis } from 'ioredis'
import type { Server } from 'node:http'
import { createApiKeyVerifier, createAuthService, createMailer, ensureInstanceSecrets, jwtKeysFrom, RELOAD_KEYS_PAYLOAD, type JwtKeys } from './auth/index.js'
import { createServerApp } from './app.js'
import type { Config } from './config.js'
import {
  createDatabase,
  createRequestTransactions,
  ensureExposedSchemas,
  migrate,
  startEmbeddedPostgres,
  type Database,
  type EmbeddedDatabase,
} from './db/index.js'
import type { ReadinessCheck } from './health/index.js'
import { createJobs } from './jobs/index.js'
import { createSchemaCacheHolder } from './rest/index.js'
import { createNodeServer, type FrontHandler } from './http/index.js'
import type { Logger } from './log.js'
import { createObjectStore } from './storage/index.js'

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

export async function startFloe(config: Readonly<Config>, log: Logger): Promise<RunningFloe> {
  const cleanups: (() => Promise<void>)[] = []
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => log.warn({ err }, 'shutdown step failed'))
  }
  try {
    let embedded: EmbeddedDatabase | undefined
    let databaseUrl = config.databaseUrl
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres(config.dataDir, log)
      cleanups.push(() => embedded!.stop())
      databaseUrl = embedded.url
      log.info({ port: embedded.port, dir: embedded.dataDir }, 'embedded PostgreSQL started (no DATABASE_URL set)')
    }
    const database = createDatabase(databaseUrl, { max: config.databasePoolMax, log })
    cleanups.push(() => database.close())
    await migrate(database.pool, log)
    const { missing } = await ensureExposedSchemas(database.pool, config.dbSchemas)
    if (missing.length > 0) log.warn({ schemas: missing }, 'exposed schemas that do not exist yet')

    const apiKeys = createApiKeyVerifier(database.db, config)
    cleanups.push(async () => apiKeys.stop())
    // Key rotations on the process's one LISTEN connection, so a revoked key stops working on
    // every replica at once (after a reconnect: reload anyway).
    const refreshKeys = () => void apiKeys.refresh().catch(() => undefined)
    cleanups.push(await database.listener.listen('floe', (payload) => payload === RELOAD_KEYS_PAYLOAD && refreshKeys(), { onMissed: refreshKeys }))
    const schemaCache = await createSchemaCacheHolder({ database, schemas: config.dbSchemas, log })
    cleanups.push(() => schemaCache.close())
    const secrets = await ensureInstanceSecrets(database.db, config)
    const jwtKeys = jwtKeysFrom(secrets.jwtSecret, config.jwtPreviousSecrets)
    // Jobs (issue 7) before auth: auth emails go through the `email` queue, whose handler sends
    // with this mailer. Cleanups run in reverse: the server stops, then the workers finish their
    // active jobs, and only then does the mailer close.
    const mailer = createMailer({ smtp: config.auth.smtp, from: config.auth.mailFrom, db: database.db, log })
    cleanups.push(() => mailer.close())
    const jobs = await createJobs({ config, database, log, mailer, workers: config.jobs.workers })
    cleanups.push(() => jobs.close())
    const auth = await createAuthService({ config, database, jwtKeys, log, mailer: jobs.mailer }) // /auth/v1 (issue 5)
    cleanups.push(() => auth.close())
    const redis = await connectRedis(config.redisUrl, log)
    if (redis) cleanups.push(async () => void (await redis.quit().catch(() => redis.disconnect())))

    // Storage (issue 6): an unreachable S3 is reported (log, /ready) but does not stop the rest.
    const objectStore = createObjectStore(config.storage, config.dataDir)
    await objectStore.init().catch((err: unknown) => log.error({ err: { message: (err as Error).message } }, `storage (${objectStore.kind}) is not reachable`))
    const readiness: ReadinessCheck[] = [
      {
        name: 'storage',
        required: false,
        run: async () => {
          const started = performance.now()
          try {
            await objectStore.check()
            return { status: 'ok', latency_ms: Math.round((performance.now() - started) * 100) / 100, message: objectStore.kind }
          } catch (err) {
            return { status: 'error', message: `${objectStore.kind}: ${(err as Error).message}` }
          }
        },
      },
      { name: 'database', required: true, run: async () => ({ status: 'ok', latency_ms: await database.ping() }) },
      {
        name: 'schema_cache',
        required: false,
        run: async () => {
          const st = schemaCache.stats()
          return st.listening
            ? { status: 'ok', latency_ms: Math.round(st.lastLoadMs * 100) / 100, message: `loaded ${st.loadedAt.toISOString()}` }
            : { status: 'error', message: 'not listening for schema changes (reconnecting); serving the last loaded cache' }
        },
      },
      { name: 'jobs', required: false, run: () => jobs.check() },
      {
        name: 'redis',
        required: false,
        run: async () => {
          if (!redis) return { status: 'disabled', message: 'REDIS_URL is not set' }
          const started = performance.now()
          await redis.ping()
          return { status: 'ok', latency_ms: Math.round((performance.now() - started) * 100) / 100 }
        },
      },
    ]
    const { app, nodeHandler } = createServerApp({
      config,
      log,
      database,
      ...createRequestTransactions(database, { allowedRoles: REQUEST_ROLES, statementTimeoutMs: config.requestTimeoutMs }),
      apiKeys,
      jwtKeys,
      allowedRoles: REQUEST_ROLES,
      redis,
      readiness,
      schemaCache,
      auth,
      jobs,
      objectStore,
    })

    const server = await listen(app.fetch, nodeHandler, config)
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : config.port
    cleanups.push(() => closeServer(server, config.shutdownTimeoutMs, log))

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

async function readAnonKey(database: Database, jwtSecret: string): Promise<string | undefined> {
  const { listKeys } = await import('./auth/api-keys.js')
  const keys = await listKeys(database.db, jwtSecret).catch(() => [])
  return keys.find((k) => k.kind === 'anon')?.key
}

/** The Hono app behind the Node fast paths (`/rest/v1` and `POST /jobs/v1/:queue` are served by them). */
function listen(fetch: (req: Request) => Response | Promise<Response>, nodeHandler: FrontHandler, config: Readonly<Config>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createNodeServer(fetch, nodeHandler, config.host)
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
