/**
 * Fault run: Redis goes away under a running `floe start` (the test's own redis-server, never the
 * machine's) and comes back. Meanwhile the data API keeps answering (rate limits count per
 * process), enqueueing answers 503 in the JSON error shape (never a 500), the process keeps
 * running; once Redis is back, enqueueing works again without a restart.
 */
import type { ChildProcess } from 'node:child_process'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, TEST_SERVICE_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { hasRedisServer, json, startRedis, stopRedis, waitFor } from './jobs-helpers.js'
import { startFloeProcess, type FloeProcess } from './process.js'

let t: TestDatabase | undefined
let floe: FloeProcess | undefined
let redis: ChildProcess | undefined
afterAll(async () => {
  if (floe) process.kill(floe.proc.pid!, 'SIGKILL')
  if (redis && redis.exitCode === null) await stopRedis(redis)
  await t?.drop()
})

describe.skipIf(!hasRedisServer)('Redis outage', () => {
  it('keeps the data API up, answers 503 to enqueues while Redis is gone, and recovers without a restart', async () => {
    const port = await findFreePort()
    redis = await startRedis(port)
    t = await createTestDatabase()
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    await c.query(`create table redis_items (id int primary key); insert into redis_items values (1);
      grant select on redis_items to anon; create policy anyone on redis_items for select to anon using (true);`)
    await c.end()
    floe = await startFloeProcess(testEnv(t, {
      PORT: String(await findFreePort()), LOG_LEVEL: 'warn', REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: 'floe-outage:', RATE_LIMIT_PER_IP: '1000',
    }))
    const read = () => fetch(`${floe!.url}/rest/v1/redis_items`, { headers: { apikey: TEST_ANON_KEY } })
    const enqueue = () => fetch(`${floe!.url}/jobs/v1/email`, { method: 'POST', headers: json({ apikey: TEST_SERVICE_KEY }), body: JSON.stringify({ payload: {} }) })

    const up = await read()
    expect(up.status).toBe(200)
    expect(up.headers.get('ratelimit-limit')).toBe('1000')
    expect((await enqueue()).status).toBe(202)

    await stopRedis(redis)
    for (let i = 0; i < 3; i++) {
      const res = await read()
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual([{ id: 1 }])
    }
    const refused = await enqueue()
    expect(refused.status).toBe(503)
    const body = (await refused.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message'])
    expect(body.code).toBe('JOBS_UNAVAILABLE')
    expect(floe.proc.exitCode).toBeNull()

    redis = await startRedis(port)
    await waitFor(async () => (await enqueue()).status === 202, 15_000, 'enqueue after Redis came back')
    expect((await read()).status).toBe(200)
    expect(floe.proc.exitCode).toBeNull()
    expect(floe.output()).not.toMatch(/uncaught|unhandled/i)
  })
})
