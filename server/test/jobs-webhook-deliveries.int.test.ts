/**
 * Webhook deliveries (floe.webhook_deliveries and GET /jobs/v1/admin/webhooks/{name}/deliveries)
 * against the machine's Redis and Postgres: a local receiver answers 200 once, then 500 once,
 * then 200; every attempt is recorded with its status, outcome and error, newest first.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildJobsApp, json, testPrefix, waitFor, type JobsTestApp } from './jobs-helpers.js'

const redisUrl = inject('redisUrl')

interface Delivery {
  id: string
  job_id: string
  attempt: number
  status: number | null
  ok: boolean
  error: string | null
  duration_ms: number
  at: string
}

describe.skipIf(!redisUrl)('webhook deliveries', () => {
  let t: TestDatabase
  let floe: JobsTestApp
  let receiver: Server
  let base: string
  let c: pg.Client
  /** Statuses to answer in order, then 200. */
  const script = [200, 500]
  let hits = 0

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        hits++
        res.writeHead(script.shift() ?? 200).end('ok')
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
    t = await createTestDatabase()
    floe = await buildJobsApp(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix(), JOBS_WEBHOOK_TIMEOUT_MS: '500' })
    const res = await floe.app.request('/jobs/v1/admin/queues/webhook', { method: 'PUT', headers: json(floe.service), body: JSON.stringify({ attempts: 3, backoff_ms: 100 }) })
    expect(res.status).toBe(200)
    c = new pg.Client({ connectionString: t.url })
    await c.connect()
    await c.query('create table public.orders (id int primary key)')
    const created = await floe.app.request('/jobs/v1/admin/webhooks', {
      method: 'POST',
      headers: json(floe.service),
      body: JSON.stringify({ name: 'orders-hook', table: 'orders', events: ['insert'], url: `${base}/orders` }),
    })
    expect(created.status).toBe(201)
  })
  afterAll(async () => {
    await c?.end()
    await floe?.close()
    await t?.drop()
    receiver?.close()
  })

  const deliveries = async (query = '') => {
    const res = await floe.app.request(`/jobs/v1/admin/webhooks/orders-hook/deliveries${query}`, { headers: floe.service })
    expect(res.status).toBe(200)
    return (await res.json()) as Delivery[]
  }

  it('records each attempt, a success and a failure alike, and lists them newest first', async () => {
    await c.query('insert into public.orders values (1)')
    await waitFor(async () => (await deliveries()).length === 1, 10_000, 'the first delivery')
    await c.query('insert into public.orders values (2)')
    const got = await waitFor(async () => {
      const d = await deliveries()
      return d.length === 3 ? d : undefined
    }, 10_000, 'the second delivery and its retry')
    expect(hits).toBe(3)
    expect(got.map(({ attempt, status, ok, error }) => ({ attempt, status, ok, error }))).toEqual([
      { attempt: 2, status: 200, ok: true, error: null },
      { attempt: 1, status: 500, ok: false, error: 'webhook answered HTTP 500' },
      { attempt: 1, status: 200, ok: true, error: null },
    ])
    expect(got[0]!.job_id).toBe(got[1]!.job_id)
    expect(got[2]!.job_id).not.toBe(got[0]!.job_id)
    for (const d of got) {
      expect(d.duration_ms).toBeGreaterThanOrEqual(0)
      expect(Date.parse(d.at)).toBeGreaterThan(Date.now() - 60_000)
    }
    expect(Number(got[0]!.id)).toBeGreaterThan(Number(got[1]!.id))

    // Paged by id: `before` the newest, one at a time.
    const page = await deliveries(`?limit=1&before=${got[0]!.id}`)
    expect(page.map((d) => d.id)).toEqual([got[1]!.id])
  })

  it('records an attempt that got no response with a null status; a direct webhook job has no webhook', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const res = await floe.app.request('/jobs/v1/webhook', { method: 'POST', headers: json(floe.service), body: JSON.stringify({ payload: { url: `http://127.0.0.1:${port}/x`, body: 1 } }) })
    const { id } = (await res.json()) as { id: string }
    const { rows } = await waitFor(async () => {
      const r = await c.query('select webhook_id, attempt, status, ok, error, url from floe.webhook_deliveries where job_id = $1 order by id', [id])
      return r.rows.length === 3 ? r : undefined
    }, 10_000, 'three refused attempts')
    expect(rows.map((r) => r.attempt)).toEqual([1, 2, 3])
    for (const r of rows) {
      expect(r).toMatchObject({ webhook_id: null, status: null, ok: false, url: `http://127.0.0.1:${port}/x` })
      expect(r.error).toMatch(/ECONNREFUSED/)
    }
    expect(await deliveries()).toHaveLength(3) // not the webhook's
  })

  it.each([
    ['anon', () => floe.anon, 403],
    ['a user', () => floe.asUser({ sub: 'alice' }), 403],
  ] as const)('refuses %s', async (_, headers, status) => {
    const res = await floe.app.request('/jobs/v1/admin/webhooks/orders-hook/deliveries', { headers: await headers() })
    expect(res.status).toBe(status)
    expect(JSON.stringify(await res.json())).not.toContain('orders')
  })

  it('answers 404 for an unknown webhook and 400 for a bad cursor', async () => {
    const res = await floe.app.request('/jobs/v1/admin/webhooks/nope/deliveries', { headers: floe.service })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { code: string }).code).toBe('JOBS_WEBHOOK_NOT_FOUND')
    const bad = await floe.app.request('/jobs/v1/admin/webhooks/orders-hook/deliveries?before=x', { headers: floe.service })
    expect(bad.status).toBe(400)
  })

  it("no API role can read the table; deleting the webhook deletes its deliveries", async () => {
    for (const role of ['anon', 'authenticated', 'service_role']) {
      const r = await c.query(`select has_table_privilege($1, 'floe.webhook_deliveries', 'select') as can`, [role])
      expect(r.rows[0].can).toBe(false)
    }
    const del = await floe.app.request('/jobs/v1/admin/webhooks/orders-hook', { method: 'DELETE', headers: floe.service })
    expect(del.status).toBe(200)
    const { rows } = await c.query('select count(*)::int as n from floe.webhook_deliveries where webhook_id is not null')
    expect(rows[0].n).toBe(0)
  })
})
