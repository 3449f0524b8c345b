import { spawn } from 'node:child_process'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SERVICE_KEY } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { dropPrefix, FUNCTIONS_DIR, testPrefix, waitFor } from './jobs-helpers.js'
import { cleanEnv, FLOE_BIN, REPO_ROOT, startFloeProcess, type FloeProcess } from './process.js'

const redisUrl = inject('redisUrl')

describe.skipIf(!redisUrl)('floe worker (scale-out) and graceful shutdown', () => {
  let t: TestDatabase | undefined
  let server: FloeProcess | undefined
  const prefix = testPrefix()
  afterAll(async () => {
    server?.signal('SIGTERM')
    await server?.exited
    await t?.drop()
    await dropPrefix(redisUrl!, prefix)
  })

  it('a server with FLOE_WORKERS=false enqueues, `floe worker` runs the job, and SIGTERM lets it finish', async () => {
    t = await createTestDatabase()
    const sql = new pg.Pool({ connectionString: t.url, max: 2 })
    await sql.query(`insert into floe.queues (name, handler) values ('echo', 'echo')`)
    await sql.end()
    const env = {
      DATABASE_URL: t.url,
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: prefix,
      FLOE_FUNCTIONS_DIR: FUNCTIONS_DIR,
      FLOE_JWT_SECRET: TEST_JWT_SECRET,
      FLOE_ANON_KEY: TEST_ANON_KEY,
      FLOE_SERVICE_KEY: TEST_SERVICE_KEY,
      LOG_LEVEL: 'warn',
    }
    server = await startFloeProcess({ ...env, PORT: String(await findFreePort()), FLOE_WORKERS: 'false' })
    const headers = { apikey: TEST_SERVICE_KEY, 'content-type': 'application/json' }
    const res = await fetch(`${server.url}/jobs/v1/echo`, { method: 'POST', headers, body: JSON.stringify({ payload: { value: 'slow', wait_ms: 1500 } }) })
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const state = async () => ((await (await fetch(`${server!.url}/jobs/v1/echo/${id}`, { headers })).json()) as { state: string; result: unknown }).state
    await new Promise((r) => setTimeout(r, 500))
    expect(await state()).toBe('waiting') // no worker in the server

    const worker = spawn(process.execPath, [FLOE_BIN, 'worker'], { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    worker.stdout.on('data', (d: Buffer) => (out += d.toString()))
    worker.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((r) => worker.on('exit', r))
    await waitFor(async () => (await state()) === 'active', 20_000, `the worker to take the job\n${out}`)
    worker.kill('SIGTERM')
    expect(await exited).toBe(0)
    const body = (await (await fetch(`${server.url}/jobs/v1/echo/${id}`, { headers })).json()) as { state: string; result: unknown }
    expect(body).toMatchObject({ state: 'completed', result: { echoed: 'slow', attempt: 1 } })
  }, 60_000)
})
