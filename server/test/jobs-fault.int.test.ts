import type { ChildProcess } from 'node:child_process'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildJobsApp, hasRedisServer, json, startRedis, stopRedis, testPrefix, waitFor, type JobsTestApp } from './jobs-helpers.js'

describe.skipIf(!hasRedisServer)('fault: Redis down while rows change', () => {
  let t: TestDatabase | undefined
  let floe: JobsTestApp | undefined
  let redis: ChildProcess | undefined
  afterAll(async () => {
    await floe?.close()
    if (redis && redis.exitCode === null) await stopRedis(redis)
    await t?.drop()
  })

  it('1,000 database-webhook events made while Redis is down are all delivered exactly once after it returns', async () => {
    const port = await findFreePort()
    redis = await startRedis(port)
    t = await createTestDatabase()
    const sql = new pg.Pool({ connectionString: t.url, max: 4 })
    try {
      await sql.query(`create table public.job_log (job_id text, payload jsonb);
                       create table public.items (id int primary key, label text);
                       insert into floe.queues (name, handler, concurrency) values ('record', 'record', 50)`)
      floe = await buildJobsApp(t, { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: testPrefix() })
      const hook = await floe.app.request('/jobs/v1/admin/webhooks', {
        method: 'POST',
        headers: json(floe.service),
        body: JSON.stringify({ name: 'items', table: 'items', events: ['insert', 'update', 'delete'], queue: 'record' }),
      })
      expect(hook.status).toBe(201)

      await stopRedis(redis)
      await waitFor(async () => (await floe!.app.request('/jobs/v1/record/x', { headers: floe!.service })).status === 503, 10_000, 'jobs off')
      const off = await floe.app.request('/jobs/v1/record', { method: 'POST', headers: json(floe.service), body: '{"payload":1}' })
      expect(off.status).toBe(503)
      expect(await off.json()).toMatchObject({ code: 'JOBS_UNAVAILABLE', message: expect.stringContaining('REDIS_URL') })

      // 1,000 changes: 600 inserts in 6 transactions, 300 updates one by one, 100 deletes.
      for (let b = 0; b < 6; b++) await sql.query(`insert into public.items select g, 'x' from generate_series($1::int, $2::int) g`, [b * 100, b * 100 + 99])
      for (let i = 0; i < 300; i++) await sql.query(`update public.items set label = 'y' where id = $1`, [i])
      await sql.query('delete from public.items where id >= 500')
      const waiting = await sql.query('select 1 from floe.outbox')
      expect(waiting.rowCount).toBe(1000)

      redis = await startRedis(port)
      await waitFor(async () => (await sql.query('select 1 from public.job_log')).rowCount! >= 1000, 30_000, '1,000 deliveries')
      await new Promise((r) => setTimeout(r, 1_500))
      const { rows } = await sql.query<{ total: number; distinct_events: number }>(
        `select count(*)::int as total,
                count(distinct (payload->>'type', coalesce(payload->'record'->>'id', payload->'old_record'->>'id'), payload->'old_record'->>'label'))::int as distinct_events
         from public.job_log`,
      )
      expect(rows[0]).toEqual({ total: 1000, distinct_events: 1000 })
      const unsent = await sql.query('select 1 from floe.outbox')
      expect(unsent.rowCount).toBe(0)
    } finally {
      await sql.end()
    }
  }, 90_000)
})
