import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SERVICE_KEY } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { dropPrefix, testPrefix, waitFor } from './jobs-helpers.js'
import { startFloeProcess, type FloeProcess } from './process.js'

const redisUrl = inject('redisUrl')

describe.skipIf(!redisUrl)('auth emails go through the email queue', () => {
  let t: TestDatabase | undefined
  let server: FloeProcess | undefined
  const prefix = testPrefix()
  afterAll(async () => {
    server?.signal('SIGTERM')
    await server?.exited
    await t?.drop()
    await dropPrefix(redisUrl!, prefix)
  })

  it('a sign-up verification email is an `email` job, delivered to the (dev outbox) mailer', async () => {
    t = await createTestDatabase()
    server = await startFloeProcess({
      DATABASE_URL: t.url,
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: prefix,
      PORT: String(await findFreePort()),
      FLOE_JWT_SECRET: TEST_JWT_SECRET,
      FLOE_ANON_KEY: TEST_ANON_KEY,
      FLOE_SERVICE_KEY: TEST_SERVICE_KEY,
      LOG_LEVEL: 'warn',
    })
    const ready = (await (await fetch(`${server.url}/ready`)).json()) as { checks: Record<string, { status: string }> }
    expect(ready.checks.jobs?.status).toBe('ok')
    const res = await fetch(`${server.url}/auth/v1/sign-up/email`, {
      method: 'POST',
      headers: { apikey: TEST_ANON_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'queued@floe.test', password: 'correct horse battery staple', name: 'queued' }),
    })
    expect(res.status).toBe(200)
    const sql = new pg.Pool({ connectionString: t.url, max: 2 })
    try {
      await waitFor(async () => (await sql.query(`select 1 from auth.outbox where to_address = 'queued@floe.test'`)).rowCount === 1, 15_000, 'the email')
      // It went through the queue: a BullMQ job of the email queue, and no outbox row left behind
      // (the relay deletes a row as BullMQ accepts it, one-time link included).
      const jobs = await fetch(`${server.url}/jobs/v1/admin/queues/email/jobs?state=completed`, { headers: { apikey: TEST_SERVICE_KEY } })
      expect(jobs.status).toBe(200)
      const listed = (await jobs.json()) as { id: string; payload: Record<string, unknown> }[]
      expect(listed.map((j) => j.payload.kind)).toEqual(['verify-email'])
      // The admin API shows who and what, never the bodies: they hold the one-time link.
      const one = await fetch(`${server.url}/jobs/v1/email/${listed[0]!.id}`, { headers: { apikey: TEST_SERVICE_KEY } })
      for (const p of [listed[0]!.payload, ((await one.json()) as { payload: Record<string, unknown> }).payload]) {
        expect(p).toEqual({ kind: 'verify-email', to: 'queued@floe.test', subject: expect.any(String), body: 'withheld: it may hold a one-time link' })
      }
      const sent = await sql.query<{ text_body: string }>(`select text_body from auth.outbox where to_address = 'queued@floe.test'`)
      expect(sent.rows[0]!.text_body).toMatch(/https?:\/\//) // the mailer did get the link
      expect((await sql.query(`select 1 from floe.outbox where queue = 'email'`)).rowCount).toBe(0)
    } finally {
      await sql.end()
    }
  }, 60_000)
})
