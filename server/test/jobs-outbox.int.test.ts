import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SERVICE_KEY } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { dropPrefix, FUNCTIONS_DIR, testPrefix, waitFor } from './jobs-helpers.js'
import { startFloeProcess, type FloeProcess } from './process.js'

const redisUrl = inject('redisUrl')

/**
 * Transactional enqueue through `floe.enqueue` and the outbox relay, against a real server
 * process that is SIGKILLed right after commits: every committed job is delivered exactly once,
 * no rolled-back one ever is.
 */
describe.skipIf(!redisUrl)('floe.enqueue: a job exists if and only if its transaction commits', () => {
  let t: TestDatabase
  let sql: pg.Pool
  const procs: FloeProcess[] = []

  beforeAll(async () => {
    t = await createTestDatabase()
    sql = new pg.Pool({ connectionString: t.url, max: 4 })
    await sql.query(`create table public.job_log (job_id text, payload jsonb);
                     insert into floe.queues (name, handler, enqueue_roles) values ('record', 'record', '{authenticated}')`)
  })
  afterAll(async () => {
    for (const p of procs) {
      try {
        p.signal('SIGKILL')
      } catch {
        /* already gone */
      }
    }
    // Gone for good before its keys are dropped: a worker still alive writes its queue's meta again.
    await Promise.all(procs.map((p) => p.exited))
    await sql?.end()
    await t?.drop()
    await dropPrefix(redisUrl!, prefix)
  })

  const start = async (port: number) => {
    const p = await startFloeProcess({
      DATABASE_URL: t.url,
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: prefix,
      PORT: String(port),
      FLOE_FUNCTIONS_DIR: FUNCTIONS_DIR,
      FLOE_JWT_SECRET: TEST_JWT_SECRET,
      FLOE_ANON_KEY: TEST_ANON_KEY,
      FLOE_SERVICE_KEY: TEST_SERVICE_KEY,
      JOBS_RELAY_SWEEP_MS: '200',
      LOG_LEVEL: 'warn',
    })
    procs.push(p)
    return p
  }
  const prefix = testPrefix()

  it('rollback leaves no job; commits survive a SIGKILL right after them and are delivered once', async () => {
    const port = await findFreePort()
    const first = await start(port)
    const client = new pg.Client({ connectionString: t.url })
    await client.connect()
    try {
      // As a signed-in user through the role switch the data API uses: roles are checked in SQL.
      const asUser = `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '{"sub":"u1"}', true)`
      await client.query('begin')
      await client.query(asUser)
      await client.query(`select floe.enqueue('record', '{"n": "rolled-back"}')`)
      await client.query('rollback')

      await client.query('begin')
      await client.query(`select set_config('role', 'anon', true)`)
      await expect(client.query(`select floe.enqueue('record', '{}')`)).rejects.toThrow(/may not enqueue/)
      await client.query('rollback')

      // 200 committed transactions, the server killed (no shutdown) just after the 100th.
      for (let i = 0; i < 200; i++) {
        await client.query('begin')
        await client.query(asUser)
        await client.query(`select floe.enqueue('record', $1::jsonb)`, [JSON.stringify({ n: i })])
        await client.query('commit')
        if (i === 99) first.signal('SIGKILL')
      }
      await first.exited
    } finally {
      await client.end()
    }
    await start(port)
    // Jobs that were running when the first server died are handed on once their lock expires.
    await waitFor(async () => (await sql.query('select distinct job_id from public.job_log')).rowCount! >= 200, 45_000, '200 jobs run')
    await new Promise((r) => setTimeout(r, 1_000)) // a duplicate job would land in this window
    // Exactly one job per committed enqueue (a job cut short by the kill may have run twice:
    // execution is at-least-once, which is why jobs are counted by id, not by runs).
    const { rows } = await sql.query<{ n: string; jobs: number }>(`select payload->>'n' as n, count(distinct job_id)::int as jobs from public.job_log group by 1`)
    expect(rows.find((r) => r.n === 'rolled-back')).toBeUndefined()
    expect(rows).toHaveLength(200)
    expect(rows.every((r) => r.jobs === 1)).toBe(true)
    const unsent = await sql.query('select 1 from floe.outbox')
    expect(unsent.rowCount).toBe(0)
  }, 120_000)
})
