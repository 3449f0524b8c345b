import type { OpenAPIHono } from '@hono/zod-openapi'
import { createApp, type AppDeps } from '../src/app.js'
import { createApiKeyVerifier, createAuthService, ensureInstanceSecrets, jwtKeysFrom, signJwt, type AuthService, type JwtKeys, type Mailer } from '../src/auth/index.js'
import { loadConfig, type Config } from '../src/config.js'
import { createDatabase, createRequestTransactions, type Database } from '../src/db/index.js'
import type { AppEnv } from '../src/http/index.js'
import { REQUEST_ROLES } from '../src/index.js'
import { createLogger } from '../src/log.js'
import { createSchemaCacheHolder } from '../src/rest/index.js'
import type { Redis } from 'ioredis'
import type { DestinationStream } from 'pino'
import type { TestDatabase } from './db.js'

export const TEST_ANON_KEY = 'test-anon-key-0123456789abcdef0123456789'
export const TEST_SERVICE_KEY = 'test-service-key-0123456789abcdef012345'
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789'

export interface TestApp {
  app: OpenAPIHono<AppEnv>
  deps: AppDeps
  config: Readonly<Config>
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

/** An in-process app on the given test database, with known keys and JWT secret, and /auth/v1. */
export async function buildTestApp(t: TestDatabase, env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    DATABASE_URL: t.url,
    FLOE_JWT_SECRET: TEST_JWT_SECRET,
    FLOE_ANON_KEY: TEST_ANON_KEY,
    FLOE_SERVICE_KEY: TEST_SERVICE_KEY,
    LOG_LEVEL: 'silent',
    ...env,
  })
  const log = createLogger(config.logLevel, options.logDestination)
  const database = createDatabase(t.url, { max: config.databasePoolMax, log })
  const secrets = await ensureInstanceSecrets(database.db, config)
  const jwtKeys = jwtKeysFrom(secrets.jwtSecret, config.jwtPreviousSecrets)
  const auth = await createAuthService({ config, database, jwtKeys, log, mailer: options.mailer })
  const apiKeys = createApiKeyVerifier(database.db, config)
  const schemaCache = await createSchemaCacheHolder({ pool: database.pool, schemas: config.dbSchemas, log })
  const deps: AppDeps = {
    config,
    log,
    database,
    ...createRequestTransactions(database, { allowedRoles: REQUEST_ROLES, statementTimeoutMs: config.requestTimeoutMs }),
    apiKeys,
    jwtKeys,
    allowedRoles: REQUEST_ROLES,
    readiness: [{ name: 'database', required: true, run: async () => ({ status: 'ok', latency_ms: await database.ping() }) }],
    schemaCache,
    auth,
    redis: options.redis,
  }
  const app = createApp(deps)
  return {
    app,
    deps,
    config,
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
      apiKeys.stop()
      await auth.close()
      await schemaCache.close()
      await database.close()
    },
  }
}
