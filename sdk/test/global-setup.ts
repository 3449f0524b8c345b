/**
 * Starts one real `floe start` for the SDK's tests, as the README runs it: a fresh database on
 * the machine's PostgreSQL, Redis with a random key prefix, storage on the filesystem under a temp
 * FLOE_DATA_DIR, the job handlers of test/functions. Then creates the fixture schema (lists and
 * todos under owner rules, turned on for realtime), the storage rules and the test queue. All of
 * it (process, database, Redis keys, files) is removed afterwards.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { FIXTURE_SQL, TEST_QUEUE } from './fixture.js'

const FLOE_BIN = fileURLToPath(new URL('../../server/bin/floe.mjs', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const FUNCTIONS_DIR = fileURLToPath(new URL('./functions/', import.meta.url))
const PG_ADMIN = process.env.SDK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const REDIS_URL = process.env.SDK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface FloeTarget {
  url: string
  anonKey: string
  serviceKey: string
  databaseUrl: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    floe: FloeTarget
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** The machine's environment without anything that would configure Floe. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(DATABASE_URL|REDIS_URL|REDIS_PREFIX|PORT|HOST|FLOE_|S3_|RATE_LIMIT_|AUTH_|LOG_LEVEL|PUBLIC_URL|TEST_|VITEST)/.test(k)) continue
    env[k] = v
  }
  return { ...env, ...extra }
}

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const suffix = randomBytes(4).toString('hex')
  const dbName = `floe_sdk_${suffix}`
  const prefix = `floe-sdk-${suffix}:`
  const dataDir = await mkdtemp(path.join(tmpdir(), 'floe-sdk-'))
  const anonKey = `sdk-anon-key-${randomBytes(16).toString('hex')}`
  const serviceKey = `sdk-service-key-${randomBytes(16).toString('hex')}`
  await adminQuery(`create database ${dbName}`)
  const databaseUrl = PG_ADMIN.replace(/\/[^/]*$/, `/${dbName}`)
  const proc = spawn(process.execPath, [FLOE_BIN, 'start'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv({
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: String(await freePort()),
      FLOE_DATA_DIR: dataDir,
      FLOE_FUNCTIONS_DIR: FUNCTIONS_DIR,
      FLOE_ANON_KEY: anonKey,
      FLOE_SERVICE_KEY: serviceKey,
      FLOE_JWT_SECRET: `sdk-jwt-secret-${randomBytes(16).toString('hex')}`,
      AUTH_REQUIRE_EMAIL_VERIFICATION: 'false',
      AUTH_RATE_LIMIT_PER_IP: '0',
      AUTH_RATE_LIMIT_PER_EMAIL: '0',
      LOG_LEVEL: 'warn',
    }),
  })
  let out = ''
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()))
  let stopping = false
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()))
  // A server that dies under the tests shows why, instead of a wall of ECONNREFUSED.
  void exited.then(() => stopping || console.error(`floe exited during the tests:\n${out}`))

  const teardown = async () => {
    stopping = true
    if (proc.exitCode === null && proc.pid) {
      process.kill(-proc.pid, 'SIGTERM')
      const killer = setTimeout(() => proc.pid && process.kill(-proc.pid, 'SIGKILL'), 10_000)
      await exited
      clearTimeout(killer)
    }
    await adminQuery(`drop database if exists ${dbName} with (force)`)
    await dropRedisPrefix(prefix).catch(() => undefined)
    await rm(dataDir, { recursive: true, force: true })
  }

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`floe did not start in time:\n${out}`)), 60_000)
      proc.stdout.on('data', () => {
        const m = /API:\s+(http:\/\/\S+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!)
        }
      })
      void exited.then(() => {
        clearTimeout(timer)
        reject(new Error(`floe exited before it was ready:\n${out}`))
      })
    })
    const c = new pg.Client({ connectionString: databaseUrl })
    await c.connect()
    await c.query(FIXTURE_SQL)
    await c.end()
    const res = await fetch(`${url}/jobs/v1/admin/queues/${TEST_QUEUE}`, {
      method: 'PUT',
      headers: { apikey: serviceKey, 'content-type': 'application/json' },
      body: JSON.stringify({ handler: 'sdk-progress', enqueue_roles: ['authenticated'], attempts: 1 }),
    })
    if (!res.ok) throw new Error(`declaring the test queue: ${res.status} ${await res.text()}`)
    project.provide('floe', { url, anonKey, serviceKey, databaseUrl })
  } catch (err) {
    await teardown()
    throw err
  }
  return teardown
}
