import type { OpenAPIHono } from '@hono/zod-openapi'
import { createServerApp, type AppDeps } from '../src/app.js'
import { createApiKeyVerifier, createAuthService, ensureInstanceSecrets, jwtKeysFrom, signJwt, type AuthService, type JwtKeys, type Mailer } from '../src/auth/index.js'
import { loadConfig, type Config } from '../src/config.js'
import { createDatabase, createRequestTransactions, type Database, type RunStatement, type WithRequestRole } from '../src/db/index.js'
import { createNodeServer, type AppEnv, type FrontHandler, type UpgradeHandler } from '../src/http/index.js'
import { createServices, createStorage, REQUEST_ROLES } from '../src/index.js'
import { createLogger } from '../src/log.js'
import { createMetrics } from '../src/metrics/index.js'
import { createSchemaCacheHolder, type SchemaCacheHolder } from '../src/rest/index.js'
import type { Redis } from 'ioredis'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { DestinationStream } from 'pino'
import type { TestDatabase } from './db.js'

export const TEST_ANON_KEY = 'test-anon-key-0123456789abcdef0123456789'
export const TEST_SERVICE_KEY = 'test-service-key-0123456789abcdef012345'
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789'

export interface TestApp {
  app: OpenAPIHono<AppEnv>
  /** The Node front end (direct routes) that the real server puts in front of `app`. */
  nodeFront: FrontHandler
  /**
   * `fetch` against the real Node server (fast path in front of the Hono app, as `floe start`
   * serves), started on a free port on first use; `http://floe.test` in a URL means that server.
   */
  http: typeof fetch
  /** `http://127.0.0.1:<port>` of that real server (started on first use), for WebSocket clients. */
  origin(): Promise<string>
  deps: AppDeps
  config: Readonly<Config>
  /** The per-request transactions, as the app's services use them (for routes a test adds). */
  withRequestRole: WithRequestRole
  runStatement: RunStatement
  schemaCache: SchemaCacheHolder
  database: Database
  jwtKeys: JwtKeys
  auth: AuthService
  anon: Record<string, string>
  service: Record<string, string>
  /** Headers for a request with the anon key and a signed user token. */
  asUser(claims: Record<string, unknown>, expiresIn?: string | number): Promise<Record<string, string>>
  close(): Promise<void>
}

export interface TestAppOptions {
  /** Replaces the auth mailer (default: the dev outbox, or SMTP if the env sets it). */
  mailer?: Mailer
  /** Shared rate-limit counters (the default is per process). */
  redis?: Redis
  /** Where logs go (default: nowhere unless LOG_LEVEL says otherwise). */
  logDestination?: DestinationStream
}

/** The environment of a Floe on the test database with the known keys and JWT secret, plus `extra`. */
export function testEnv(t: { url: string }, extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: t.url, FLOE_JWT_SECRET: TEST_JWT_SECRET, FLOE_ANON_KEY: TEST_ANON_KEY, FLOE_SERVICE_KEY: TEST_SERVICE_KEY, ...extra }
}

/** An in-process app on the given test database, with known keys and JWT secret, and /auth/v1. */
export async function buildTestApp(t: TestDatabase, env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig(testEnv(t, { LOG_LEVEL: 'silent', ...env }))
  const log = createLogger(config.logLevel, options.logDestination)
  const database = createDatabase(t.url, { max: config.databasePoolMax, log })
  const secrets = await ensureInstanceSecrets(database.withOwner, config)
  const jwtKeys = jwtKeysFrom(secrets.jwtSecret, config.jwtPreviousSecrets)
  const auth = await createAuthService({ config, database, jwtKeys, log, mailer: options.mailer })
  const apiKeys = createApiKeyVerifier(database.db, config)
  const schemaCache = await createSchemaCacheHolder({ database, schemas: config.dbSchemas, log })
  const metrics = createMetrics()
  const { objectStore, storage } = await createStorage({ config, database, jwtKeys, log, metrics })
  const deps = createServices({ config, log, database, redis: options.redis, apiKeys, jwtKeys, schemaCache, objectStore, storage, auth, metrics })
  const { app, nodeFront, nodeUpgrade } = createServerApp(deps)
  const served = serveOverHttp(app.fetch, nodeFront, nodeUpgrade)
  return {
    app,
    nodeFront,
    http: served.fetch,
    origin: served.origin,
    deps,
    config,
    ...createRequestTransactions(database, { allowedRoles: REQUEST_ROLES, statementTimeoutMs: config.requestTimeoutMs }),
    schemaCache,
    database,
    jwtKeys,
    auth,
    anon: { apikey: TEST_ANON_KEY },
    service: { apikey: TEST_SERVICE_KEY },
    async asUser(claims, expiresIn = '1h') {
      const token = await signJwt({ role: 'authenticated', ...claims }, jwtKeys, expiresIn)
      return { apikey: TEST_ANON_KEY, authorization: `Bearer ${token}` }
    },
    async close() {
      await deps.realtime.drain()
      await served.close()
      await deps.realtime.close()
      apiKeys.stop()
      await auth.close()
      await schemaCache.close()
      await database.close()
    },
  }
}

/** `fetch` through a real Node server on a free port (started lazily), for `http://floe.test` URLs. */
export function serveOverHttp(
  fetchApp: (req: Request) => Response | Promise<Response>,
  front: FrontHandler,
  upgrade?: UpgradeHandler,
): { fetch: typeof fetch; origin(): Promise<string>; close(): Promise<void> } {
  let started: Promise<{ origin: string; server: Server }> | undefined
  const start = () =>
    (started ??= new Promise((resolve, reject) => {
      const server = createNodeServer(fetchApp, front, '127.0.0.1', upgrade)
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }))
    }))
  return {
    fetch: async (input, init) => {
      const { origin } = await start()
      if (typeof input === 'object' && 'url' in input) {
        const url = input.url.replace(/^http:\/\/floe\.test/, origin)
        return fetch(new Request(url, input), init)
      }
      return fetch(String(input).replace(/^http:\/\/floe\.test/, origin), init)
    },
    origin: async () => (await start()).origin,
    async close() {
      if (!started) return
      const { server } = await started
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
