import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { createApp } from '../src/app.js'
import { createJobs, type Jobs } from '../src/jobs/index.js'
import { buildTestApp, type TestApp } from './app.js'
import type { TestDatabase } from './db.js'

export const FUNCTIONS_DIR = fileURLToPath(new URL('./fixtures/jobs-functions/', import.meta.url))

/** A Redis prefix of this test's own, so parallel files never share BullMQ keys. */
export const testPrefix = () => `floe-t-${randomBytes(4).toString('hex')}:`

export interface JobsTestApp extends TestApp {
  jobs: Jobs
}

/** buildTestApp plus the jobs module (relay and workers in-process, like the server's default). */
export async function buildJobsApp(t: TestDatabase, env: Record<string, string>, options: { workers?: boolean } = {}): Promise<JobsTestApp> {
  const floe = await buildTestApp(t, { FLOE_FUNCTIONS_DIR: FUNCTIONS_DIR, JOBS_RELAY_SWEEP_MS: '200', ...env })
  const jobs = await createJobs({ config: floe.config, database: floe.database, log: floe.deps.log, mailer: floe.auth.mailer, storage: floe.deps.storage, workers: options.workers ?? true })
  const app = createApp({ ...floe.deps, jobs })
  return {
    ...floe,
    app,
    jobs,
    async close() {
      await jobs.close()
      await floe.close()
      if (env.REDIS_URL && env.REDIS_PREFIX) await dropPrefix(env.REDIS_URL, env.REDIS_PREFIX)
    },
  }
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export const json = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'application/json' })

/** Deletes this test's keys from the shared Redis (BullMQ keeps finished jobs for a day). */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  redis.on('error', () => undefined)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } catch {
    /* Redis gone (the fault test): nothing to clean */
  } finally {
    redis.disconnect()
  }
}

export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0

/** A Redis of the test's own (never the machine's shared one), with nothing persisted. */
export async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  await waitFor(async () => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG', 10_000, 'redis-server')
  return proc
}

export async function stopRedis(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill('SIGKILL')
  await exited
}
