import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildJobsApp, json, testPrefix, waitFor, type JobsTestApp } from './jobs-helpers.js'

const redisUrl = inject('redisUrl')

interface Delivery {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/** Verifies `t=<ts>,v1=<hmac>` the way a receiver would. */
function verify(secret: string, header: string | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '')
  if (!m) return false
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex')
  return expected === m[2] && Math.abs(Date.now() / 1000 - Number(m[1])) < 300
}

describe.skipIf(!redisUrl)('webhook delivery to a local receiver', () => {
  let t: TestDatabase
  let floe: JobsTestApp
  let receiver: Server
  let base: string
  const deliveries: Delivery[] = []
  /** path → statuses to answer in order (then 200). */
  const script = new Map<string, number[]>()

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => (body += d.toString()))
      req.on('end', () => {
        deliveries.push({ path: req.url!, headers: req.headers, body })
        if (req.url === '/silent') return // never answers: the delivery times out
        const next = script.get(req.url!)?.shift() ?? 200
        res.writeHead(next, next >= 300 && next < 400 ? { location: `${base}/flaky` } : {}).end('ok')
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
    t = await createTestDatabase()
    floe = await buildJobsApp(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix(), JOBS_WEBHOOK_TIMEOUT_MS: '500' })
    const res = await floe.app.request('/jobs/v1/admin/queues/webhook', {
      method: 'PUT',
      headers: json(floe.service),
      body: JSON.stringify({ attempts: 3, backoff_ms: 100 }),
    })
    expect(res.status).toBe(200)
  })
  afterAll(async () => {
    await floe?.close()
    await t?.drop()
    receiver?.close()
  })

  const secret = async () => {
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    const { rows } = await c.query(`select value from floe.instance_secrets where name = 'jobs_webhook_secret'`)
    await c.end()
    return rows[0].value as string
  }
  const jobState = async (id: string) =>
    (await (await floe.app.request(`/jobs/v1/webhook/${id}`, { headers: floe.service })).json()) as { state: string; result: unknown; failed_reason: string | null; attempts_made: number }

  it('signs the body, retries on 500 and records the response status', async () => {
    script.set('/flaky', [500, 500])
    const res = await floe.app.request('/jobs/v1/webhook', { method: 'POST', headers: json(floe.service), body: JSON.stringify({ payload: { url: `${base}/flaky`, body: { hello: 'world' } } }) })
    const { id } = (await res.json()) as { id: string }
    const job = await waitFor(async () => {
      const j = await jobState(id)
      return j.state === 'completed' ? j : undefined
    })
    expect(job.result).toMatchObject({ status: 200 })
    const got = deliveries.filter((d) => d.path === '/flaky')
    expect(got.map((d) => d.headers['x-floe-attempt'])).toEqual(['1', '2', '3'])
    const key = await secret()
    for (const d of got) {
      expect(JSON.parse(d.body)).toEqual({ hello: 'world' })
      expect(verify(key, d.headers['x-floe-signature'] as string, d.body)).toBe(true)
      expect(d.headers['x-floe-delivery']).toBe(id)
    }
    expect(verify('wrong-secret', got[0]!.headers['x-floe-signature'] as string, got[0]!.body)).toBe(false)
  })

  it('gives up after the configured attempts with the last status as the reason', async () => {
    script.set('/down', [500, 500, 500, 500, 500])
    const res = await floe.app.request('/jobs/v1/webhook', { method: 'POST', headers: json(floe.service), body: JSON.stringify({ payload: { url: `${base}/down`, body: 1 } }) })
    const { id } = (await res.json()) as { id: string }
    const job = await waitFor(async () => {
      const j = await jobState(id)
      return j.state === 'failed' ? j : undefined
    })
    expect(job).toMatchObject({ attempts_made: 3, failed_reason: 'webhook answered HTTP 500' })
    await new Promise((r) => setTimeout(r, 500))
    expect(deliveries.filter((d) => d.path === '/down')).toHaveLength(3)
  })

  const enqueue = async (url: string) => {
    const res = await floe.app.request('/jobs/v1/webhook', { method: 'POST', headers: json(floe.service), body: JSON.stringify({ payload: { url, body: 1 } }) })
    expect(res.status).toBe(202)
    return ((await res.json()) as { id: string }).id
  }
  const failed = (id: string) =>
    waitFor(async () => {
      const j = await jobState(id)
      return j.state === 'failed' ? j : undefined
    })

  it('a 4xx or a redirect fails at once (no retry, the redirect not followed)', async () => {
    script.set('/gone', [404])
    script.set('/moved', [302])
    const gone = await failed(await enqueue(`${base}/gone`))
    expect(gone).toMatchObject({ attempts_made: 1, failed_reason: 'webhook answered HTTP 404' })
    const moved = await failed(await enqueue(`${base}/moved`))
    expect(moved).toMatchObject({ attempts_made: 1, failed_reason: 'webhook answered HTTP 302' })
    expect(deliveries.filter((d) => d.path === '/moved')).toHaveLength(1)
  })

  it('a receiver that never answers times out (JOBS_WEBHOOK_TIMEOUT_MS) and is retried; an unreachable one is named', async () => {
    const silent = await failed(await enqueue(`${base}/silent`))
    expect(silent.attempts_made).toBe(3)
    expect(silent.failed_reason).toBe(`webhook delivery to ${base} failed: timed out after 500 ms`)
    expect(deliveries.filter((d) => d.path === '/silent')).toHaveLength(3)

    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const refused = await failed(await enqueue(`http://127.0.0.1:${port}/x`))
    expect(refused.attempts_made).toBe(3)
    expect(refused.failed_reason).toMatch(new RegExp(`^webhook delivery to http://127\\.0\\.0\\.1:${port} failed: .*ECONNREFUSED`))
  })

  it('a database webhook posts the changed row, signed with its own secret', async () => {
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    try {
      await c.query('create table public.orders (id int primary key, total numeric)')
      const created = await floe.app.request('/jobs/v1/admin/webhooks', {
        method: 'POST',
        headers: json(floe.service),
        body: JSON.stringify({ name: 'orders-hook', table: 'orders', events: ['insert', 'update'], url: `${base}/orders` }),
      })
      expect(created.status).toBe(201)
      const hook = (await created.json()) as { secret: string }
      await c.query('insert into public.orders values (1, 9.5)')
      await c.query('update public.orders set total = 10 where id = 1')
      await c.query('delete from public.orders where id = 1') // not subscribed
      await waitFor(async () => deliveries.filter((d) => d.path === '/orders').length >= 2)
      await new Promise((r) => setTimeout(r, 500))
      const got = deliveries.filter((d) => d.path === '/orders')
      // The webhook queue delivers up to `concurrency` at once: arrival order is not commit order.
      expect(got.map((d) => JSON.parse(d.body) as { type: string }).sort((a, b) => a.type.localeCompare(b.type))).toEqual([
        { type: 'INSERT', schema: 'public', table: 'orders', webhook: 'orders-hook', record: { id: 1, total: 9.5 }, old_record: null },
        { type: 'UPDATE', schema: 'public', table: 'orders', webhook: 'orders-hook', record: { id: 1, total: 10 }, old_record: { id: 1, total: 9.5 } },
      ])
      for (const d of got) expect(verify(hook.secret, d.headers['x-floe-signature'] as string, d.body)).toBe(true)
      const del = await floe.app.request('/jobs/v1/admin/webhooks/orders-hook', { method: 'DELETE', headers: floe.service })
      expect(del.status).toBe(200)
      const { rows } = await c.query(`select count(*)::int as n from pg_trigger where tgname = 'floe_webhook_orders-hook'`)
      expect(rows[0].n).toBe(0)
    } finally {
      await c.end()
    }
  })
})
