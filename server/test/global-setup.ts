/**
 * Once per test run: find a PostgreSQL (TEST_DATABASE_URL, else the machine's 127.0.0.1:5432,
 * else an embedded one so a fresh machine with only Node can run the suite), rebuild the
 * `floe_template` database with the platform migrations applied, and find Redis
 * (TEST_REDIS_URL, else 127.0.0.1:6379). Each test file then clones its own database from the
 * template (test/db.ts) and drops it afterwards.
 */
import pg from 'pg'
import { Redis } from 'ioredis'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { createLogger } from '../src/log.js'
import { migrate, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/index.js'

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string
    templateDatabase: string
    redisUrl: string | undefined
  }
}

/** Per run: two test runs on one machine (CI and a developer's) must not drop each other's. */
const TEMPLATE = `floe_template_${process.pid}`

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function redisReachable(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000, retryStrategy: () => null })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    return (await redis.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    redis.disconnect()
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = '/' + name
  return u.toString()
}

let embedded: EmbeddedDatabase | undefined

export async function setup(project: TestProject) {
  const log = createLogger('warn')
  let adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  if (!(await canConnect(adminUrl))) {
    if (process.env.TEST_DATABASE_URL) throw new Error(`TEST_DATABASE_URL is set but unreachable`)
    embedded = await startEmbeddedPostgres(path.resolve(import.meta.dirname, '../../.floe-test'), log)
    adminUrl = embedded.url
    process.stderr.write(`[floe tests] no PostgreSQL on 127.0.0.1:5432: using an embedded one on port ${embedded.port}\n`)
  }
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    // A template left behind by an interrupted run is rebuilt so migrations are always fresh.
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [TEMPLATE])
    await admin.query(`drop database if exists ${TEMPLATE}`)
    await admin.query(`create database ${TEMPLATE}`)
  } finally {
    await admin.end()
  }
  const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, TEMPLATE), max: 1 })
  try {
    await migrate(pool, log)
  } finally {
    await pool.end()
  }

  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
  const redisOk = await redisReachable(redisUrl)
  if (!redisOk) process.stderr.write(`[floe tests] no Redis at ${redisUrl}: tests that need Redis are skipped\n`)

  adminUrlForTeardown = adminUrl
  project.provide('adminDatabaseUrl', adminUrl)
  project.provide('templateDatabase', TEMPLATE)
  project.provide('redisUrl', redisOk ? redisUrl : undefined)
}

let adminUrlForTeardown: string | undefined

export async function teardown() {
  if (adminUrlForTeardown) {
    const admin = new pg.Client({ connectionString: adminUrlForTeardown })
    await admin.connect()
    await admin.query(`drop database if exists ${TEMPLATE} with (force)`).catch(() => undefined)
    await admin.end()
  }
  await embedded?.stop()
}
