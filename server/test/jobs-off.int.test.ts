import { Writable } from 'node:stream'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { createJobs, JOBS_OFF_UNSET } from '../src/jobs/index.js'
import { buildTestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { json } from './jobs-helpers.js'

describe('jobs without Redis (the zero-config start)', () => {
  let t: TestDatabase | undefined
  afterAll(async () => t?.drop())

  it('says so once in the log, reports disabled, answers 503 with how to turn jobs on, and keeps SQL enqueues in the outbox', async () => {
    t = await createTestDatabase()
    const lines: string[] = []
    const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(chunk.toString()), cb()) })
    const floe = await buildTestApp(t, { LOG_LEVEL: 'info' }, { logDestination: sink })
    const jobs = await createJobs({ config: floe.config, database: floe.database, log: floe.deps.log, storage: floe.deps.storage, workers: true })
    const app = createApp({ ...floe.deps, jobs })
    try {
      for (const path of ['/jobs/v1/email', '/jobs/v1/email/h-1', '/jobs/v1/admin/queues/email/counts']) {
        const res = await app.request(path, path === '/jobs/v1/email' ? { method: 'POST', headers: json(floe.service), body: '{"payload":{}}' } : { headers: floe.service })
        expect(res.status).toBe(503)
        expect(await res.json()).toEqual({ code: 'JOBS_UNAVAILABLE', message: JOBS_OFF_UNSET, details: null, hint: 'Set REDIS_URL to a reachable Redis' })
      }
      // Declarations live in Postgres and stay manageable.
      expect((await app.request('/jobs/v1/admin/queues', { headers: floe.service })).status).toBe(200)
      expect(await jobs.check()).toEqual({ status: 'disabled', message: JOBS_OFF_UNSET })
      // The module's own warning, once (each 503 also has its own warn line, carrying the code).
      expect(lines.filter((l) => l.includes('Jobs are off') && l.includes('"level":40') && !l.includes('"code":"JOBS_UNAVAILABLE"'))).toHaveLength(1)
      expect(JOBS_OFF_UNSET).toMatch(/REDIS_URL=redis:\/\//)

      const sql = new pg.Client({ connectionString: t.url })
      await sql.connect()
      await sql.query(`select floe.enqueue('email', '{"to":"a@b.c"}')`)
      await new Promise((r) => setTimeout(r, 300))
      const { rows } = await sql.query('select queue from floe.outbox')
      expect(rows).toEqual([{ queue: 'email' }])
      await sql.end()
      // Everything else keeps working.
      expect((await app.request('/rest/v1/', { headers: floe.anon })).status).toBeLessThan(500)
    } finally {
      await jobs.close()
      await floe.close()
    }
  })
})
