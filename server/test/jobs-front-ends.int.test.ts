/**
 * `POST /jobs/v1/:queue` is a direct route with two front ends: the Hono app (app.request, any
 * runtime) and the Node front end the real server puts in front of Hono (http/node-front.ts),
 * both running the one pipeline. The same requests go through both and must get the same
 * status, headers, body and access-log line: request id, secure and CORS headers, rate limits
 * counted with the Hono routes, body limit, JSON errors; `POST /admin` takes the admin guard
 * first either way, and a percent-escaped path is decoded as Hono decodes it. Every other jobs
 * route is left to Hono.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createServerApp } from '../src/app.js'
import { createJobs } from '../src/jobs/index.js'
import { buildTestApp, serveOverHttp, TEST_ANON_KEY, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { accessLog, snapshot } from './front-ends.js'
import { dropPrefix, json, testPrefix } from './jobs-helpers.js'

const redisUrl = inject('redisUrl')
const BASE = 'http://floe.test/jobs/v1'

// A job enqueued without an idempotency key gets a fresh id each time.
const jobSnapshot = (res: Response) => snapshot(res, (text) => text.replace(/"h-[0-9a-f-]{36}"/, '"h-<uuid>"'))

/** A jobs-enabled app on `t` with both front ends, its access-log lines kept in `log`. */
async function buildFronts(t: TestDatabase, env: Record<string, string>) {
  const log = accessLog()
  const floe = await buildTestApp(t, { LOG_LEVEL: 'info', ...env }, { logDestination: log.sink })
  const jobs = await createJobs({ config: floe.config, database: floe.database, log: floe.deps.log, storage: floe.deps.storage, workers: false })
  const { app, nodeFront } = createServerApp({ ...floe.deps, jobs })
  let fastServed = 0
  const served = serveOverHttp(app.fetch, (req, res) => {
    const mine = nodeFront(req, res)
    if (mine) fastServed++
    return mine
  })
  return {
    floe,
    jobs,
    app,
    served,
    log,
    fastServed: () => fastServed,
    async close() {
      await served.close()
      await jobs.close()
      await floe.close()
      if (env.REDIS_URL && env.REDIS_PREFIX) await dropPrefix(env.REDIS_URL, env.REDIS_PREFIX)
    },
  }
}
type Fronts = Awaited<ReturnType<typeof buildFronts>>

async function bothAlike(f: Fronts, path: string, init: RequestInit & { headers: Record<string, string> }, fast = true) {
  const before = f.fastServed()
  const viaHono = await f.app.request(`${BASE}${path}`, init)
  const viaNode = await f.served.fetch(`${BASE}${path}`, init)
  expect(f.fastServed(), fast ? 'served by the fast path' : 'left to Hono').toBe(before + (fast ? 1 : 0))
  const [hono, node] = [await jobSnapshot(viaHono), await jobSnapshot(viaNode)]
  expect(node).toEqual(hono)
  expect(f.log.lineOf(viaNode.headers.get('x-request-id'))).toEqual(f.log.lineOf(viaHono.headers.get('x-request-id')))
  return node
}

const anon = { apikey: TEST_ANON_KEY }
const service = { apikey: TEST_SERVICE_KEY }
const post = (headers: Record<string, string>, body: unknown) => ({ method: 'POST', headers: json(headers), body: typeof body === 'string' ? body : JSON.stringify(body) })

describe.skipIf(!redisUrl)('POST /jobs/v1/:queue: the Node fast path and the Hono route answer alike', () => {
  let t: TestDatabase
  let f: Fronts
  let user: Record<string, string>

  beforeAll(async () => {
    t = await createTestDatabase()
    f = await buildFronts(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix(), CORS_ORIGINS: 'https://app.example', BODY_LIMIT: '4096', JOBS_MAX_PAYLOAD: '1024', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' })
    for (const [name, roles] of [['open', ['anon', 'authenticated']], ['svc', ['service_role']]] as const) {
      const res = await f.app.request(`${BASE}/admin/queues/${name}`, { method: 'PUT', headers: json(service), body: JSON.stringify({ handler: 'webhook', enqueue_roles: roles }) })
      expect(res.status).toBe(201)
    }
    user = await f.floe.asUser({ sub: 'user-1' })
  })
  afterAll(async () => {
    await f?.close()
    await t?.drop()
  })

  const CASES: [string, string, () => RequestInit & { headers: Record<string, string> }][] = [
    ['service key, idempotency key', '/svc', () => post(service, { payload: { n: 1 }, idempotency_key: 'front-1' })],
    ['service key, fresh id, delay and priority', '/svc', () => post(service, { payload: [1, 2], delay_ms: 60_000, priority: 3 })],
    ['signed-in user on an open queue', '/open', () => post(user, { payload: 'x', idempotency_key: 'front-2' })],
    ['anon on an open queue, from an allowed origin', '/open', () => post({ ...anon, Origin: 'https://app.example' }, { payload: null, idempotency_key: 'front-3' })],
    ['from an origin not listed', '/open', () => post({ ...anon, Origin: 'https://evil.example' }, { payload: {}, idempotency_key: 'front-4' })],
    ['trailing slash', '/svc/', () => post(service, { payload: {}, idempotency_key: 'front-5' })],
    ['apikey in the query string', `/svc?apikey=${TEST_SERVICE_KEY}`, () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payload":{},"idempotency_key":"front-6"}' })],
    ['content type with a charset', '/svc', () => ({ method: 'POST', headers: { ...service, 'content-type': 'application/json; charset=utf-8' }, body: '{"payload":{}}' })],
    ['anon on a service-only queue', '/svc', () => post(anon, { payload: {} })],
    ['user on a service-only queue', '/svc', () => post(user, { payload: {} })],
    ['undeclared queue', '/nope', () => post(service, { payload: {} })],
    ['invalid queue name', '/Bad.Name', () => post(service, { payload: {} })],
    ['wrong content type', '/svc', () => ({ method: 'POST', headers: { ...service, 'content-type': 'text/plain' }, body: '{"payload":{}}' })],
    ['no content type', '/svc', () => ({ method: 'POST', headers: service, body: new Blob(['{"payload":{}}']) })],
    ['invalid JSON', '/svc', () => post(service, '{"payload":')],
    ['unknown field', '/svc', () => post(service, { payload: {}, extra: 1 })],
    ['bad option', '/svc', () => post(service, { payload: {}, priority: 0 })],
    ['payload over JOBS_MAX_PAYLOAD', '/svc', () => post(service, { payload: 'x'.repeat(2000) })],
    ['body over BODY_LIMIT', '/svc', () => post(service, { payload: 'x'.repeat(5000) })],
    ['no credentials', '/svc', () => post({}, { payload: {} })],
    ['wrong key', '/svc', () => post({ apikey: 'nope' }, { payload: {} })],
    ['malformed bearer', '/svc', () => post({ ...anon, Authorization: 'Basic eDp5' }, { payload: {} })],
    ['forged JWT', '/svc', () => post({ ...anon, Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.AAAA' }, { payload: {} })],
  ]

  for (const [name, path, init] of CASES) {
    it(name, async () => {
      const res = await bothAlike(f, path, init())
      expect(res.status).toBeLessThan(500)
      if (res.status !== 202) expect(Object.keys(JSON.parse(res.body) as object)).toEqual(['code', 'message', 'details', 'hint'])
    })
  }

  it('enqueues for real: the job is in BullMQ with who asked', async () => {
    const res = await f.served.fetch(`${BASE}/open`, post(user, { payload: { hello: 'world' } }))
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const job = await f.jobs.bull.queue('open').getJob(id)
    expect(job?.data).toEqual({ payload: { hello: 'world' }, by: { role: 'authenticated', sub: 'user-1' } })
  })

  it('answers admin and percent-escaped paths as Hono does', async () => {
    const forbidden = await bothAlike(f, '/admin', post(user, { payload: {} }))
    expect(forbidden.status).toBe(403)
    expect((await bothAlike(f, '/admin', post(service, { payload: {} }))).status).toBe(400)
    expect((await bothAlike(f, '/%61dmin', post(user, { payload: {} }))).status).toBe(403)
    expect((await bothAlike(f, '/%73vc', post(service, { payload: {}, idempotency_key: 'front-7' }))).status).toBe(202)
  })

  it('leaves the other jobs routes and preflights to Hono', async () => {
    await bothAlike(f, '/svc/h-1', { headers: service }, false)
    await bothAlike(f, '/svc/h-1', post(service, { payload: {} }), false)
    const before = f.fastServed()
    const preflight = await f.served.fetch(`${BASE}/svc`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    expect(f.fastServed()).toBe(before)
  })

  it('keeps a sane X-Request-Id and makes one otherwise', async () => {
    const kept = await f.served.fetch(`${BASE}/svc`, post({ ...service, 'X-Request-Id': 'trace-42' }, { payload: {} }))
    expect(kept.headers.get('x-request-id')).toBe('trace-42')
    const made = await f.served.fetch(`${BASE}/svc`, post({ ...service, 'X-Request-Id': 'bad id\t' }, { payload: {} }))
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe.skipIf(!redisUrl)('the enqueue fast path: limits, and jobs off', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await createTestDatabase()
  })
  afterAll(async () => t?.drop())

  it('counts enqueues and the other routes against one per-IP limit, then answers 429 as they do', async () => {
    const f = await buildFronts(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix(), RATE_LIMIT_PER_IP: '3', RATE_LIMIT_PER_USER: '0' })
    try {
      const enqueue = () => f.served.fetch(`${BASE}/email`, post(service, { payload: { to: 'a@b.c' }, delay_ms: 3_600_000 }))
      const first = await enqueue()
      expect(first.status).toBe(202)
      expect(first.headers.get('ratelimit-limit')).toBe('3')
      expect(first.headers.get('ratelimit-remaining')).toBe('2')
      expect((await f.served.fetch(`${BASE}/admin/queues`, { headers: service })).headers.get('ratelimit-remaining')).toBe('1')
      expect((await enqueue()).headers.get('ratelimit-remaining')).toBe('0')
      const refused = await enqueue()
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many requests' })
    } finally {
      await f.close()
    }
  })

  it('counts a signed-in user against the per-user limit on both front ends', async () => {
    const f = await buildFronts(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix(), RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '2' })
    try {
      await f.app.request(`${BASE}/admin/queues/open`, { method: 'PUT', headers: json(service), body: JSON.stringify({ handler: 'webhook', enqueue_roles: ['authenticated'] }) })
      const user = await f.floe.asUser({ sub: 'limited' })
      expect((await f.served.fetch(`${BASE}/open`, post(user, { payload: {} }))).headers.get('ratelimit-remaining')).toBe('1')
      expect((await f.app.request(`${BASE}/open`, post(user, { payload: {} }))).headers.get('ratelimit-remaining')).toBe('0')
      await bothAlike(f, '/open', post(user, { payload: {} }))
    } finally {
      await f.close()
    }
  })

  const OFF: [string, Record<string, string>][] = [
    ['REDIS_URL unset', {}],
    ['Redis unreachable', { REDIS_URL: 'redis://127.0.0.1:1' }],
  ]
  for (const [name, env] of OFF) {
    it(`answers 503 JOBS_UNAVAILABLE alike with ${name}`, async () => {
      const f = await buildFronts(t, { ...env, RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' })
      try {
        const res = await bothAlike(f, '/email', post(service, { payload: {} }))
        expect(res.status).toBe(503)
        expect(JSON.parse(res.body)).toMatchObject({ code: 'JOBS_UNAVAILABLE', hint: 'Set REDIS_URL to a reachable Redis' })
      } finally {
        await f.close()
      }
    })
  }

  it('is not installed when the app has no jobs module: Hono answers 404', async () => {
    const floe: TestApp = await buildTestApp(t, { RATE_LIMIT_PER_IP: '0' })
    try {
      const res = await floe.http(`${BASE}/email`, post(service, { payload: {} }))
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' })
    } finally {
      await floe.close()
    }
  })
})
