/**
 * The data API's routes are direct routes with two front ends running the one pipeline: the Hono
 * app (app.request, any runtime) and the Node front end the real server puts in front of Hono
 * (http/node-front.ts). The rest of this suite goes through the Node front end; here the same
 * requests go through both and must get the same status, headers, body and access-log line:
 * request id, CORS, rate limits counted together with the Hono routes, body limit, JSON errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServerApp } from '../../src/app.js'
import { buildTestApp, serveOverHttp, TEST_ANON_KEY, TEST_SERVICE_KEY, type TestApp } from '../app.js'
import { accessLog, snapshot } from '../front-ends.js'
import { BASE_URL, setupRest, type RestHarness } from './setup.js'

let h: RestHarness
/** An app on the harness database that logs every request, served by both front ends. */
let logged: TestApp
let hono: TestApp['app']
let served: ReturnType<typeof serveOverHttp>
let fastServed = 0
const log = accessLog()

beforeAll(async () => {
  h = await setupRest()
  logged = await buildTestApp(h.db, { LOG_LEVEL: 'info' }, { logDestination: log.sink })
  const { app, nodeFront } = createServerApp(logged.deps)
  hono = app
  served = serveOverHttp(app.fetch, (req, res) => {
    const mine = nodeFront(req, res)
    if (mine) fastServed++
    return mine
  })
})
afterAll(async () => {
  await served?.close()
  await logged?.close()
  await h?.close()
})

const anon = { apikey: TEST_ANON_KEY }
const service = { apikey: TEST_SERVICE_KEY }
const json = { 'Content-Type': 'application/json' }

const CASES: [string, string, RequestInit & { headers: Record<string, string> }][] = [
  ['GET by key', '/films?id=eq.1', { headers: anon }],
  ['GET list with an embed, order, limit', '/films?select=id,title,director:directors(name)&order=id.desc&limit=3', { headers: anon }],
  ['GET with Range and exact count', '/films?select=id', { headers: { ...anon, Range: '2-4', Prefer: 'count=exact' } }],
  ['HEAD with count', '/films', { method: 'HEAD', headers: { ...anon, Prefer: 'count=exact' } }],
  ['single object', '/films?id=eq.2', { headers: { ...anon, Accept: 'application/vnd.pgrst.object+json' } }],
  ['CSV', '/films?select=id,title&order=id&limit=2', { headers: { ...anon, Accept: 'text/csv' } }],
  ['trailing slash', '/films/?id=eq.1', { headers: anon }],
  ['percent-encoded name', '/%66ilms?id=eq.1', { headers: anon }],
  ['insert, rolled back', '/films?select=id,title', {
    method: 'POST',
    headers: { ...service, ...json, Prefer: 'return=representation,tx=rollback' },
    body: JSON.stringify({ id: 900, title: 'Rolled back', director_id: 1, year: 2000 }),
  }],
  ['update, rolled back', '/films?id=eq.1', { method: 'PATCH', headers: { ...service, ...json, Prefer: 'tx=rollback' }, body: '{"title":"x"}' }],
  ['delete, rolled back', '/films?id=eq.1', { method: 'DELETE', headers: { ...service, Prefer: 'tx=rollback,return=representation' } }],
  ['RPC by GET', '/rpc/add?a=1&b=2', { headers: anon }],
  ['RPC by POST', '/rpc/films_by_director?select=id&order=id', { method: 'POST', headers: { ...anon, ...json }, body: '{"director_id":1}' }],
  ['unknown table', '/flims', { headers: anon }],
  ['bad filter', '/films?id=eqq.1', { headers: anon }],
  ['invalid JSON body', '/films', { method: 'POST', headers: { ...service, ...json }, body: '{"id":' }],
  ['no credentials', '/films', { headers: {} }],
  ['wrong key', '/films', { headers: { apikey: 'nope' } }],
  ['malformed bearer', '/films', { headers: { ...anon, Authorization: 'Basic eDp5' } }],
  ['forged JWT', '/films', { headers: { ...anon, Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.AAAA' } }],
  ['allowed CORS origin', '/films?id=eq.1', { headers: { ...anon, Origin: 'https://app.example' } }],
  ['apikey in the query string', `/films?id=eq.1&apikey=${TEST_ANON_KEY}`, { headers: {} }],
]

describe('the Node fast path and the Hono route answer alike', () => {
  for (const [name, path, init] of CASES) {
    it(name, async () => {
      const before = fastServed
      const [honoRes, nodeRes] = [await hono.request(`${BASE_URL}${path}`, init), await served.fetch(`${BASE_URL}${path}`, init)]
      const [viaHono, viaNode] = [await snapshot(honoRes), await snapshot(nodeRes)]
      expect(fastServed, 'served by the fast path').toBe(before + 1)
      expect(viaNode).toEqual(viaHono)
      expect(log.lineOf(nodeRes.headers.get('x-request-id'))).toEqual(log.lineOf(honoRes.headers.get('x-request-id')))
      expect(viaNode.status).toBeLessThan(500)
    })
  }

  it('sends PostgREST\'s Vary: Accept, Prefer, Range on answers, joined with Origin under a CORS allowlist, on both front ends', async () => {
    const plain = await served.fetch(`${BASE_URL}/films?id=eq.1`, { headers: anon })
    expect(plain.headers.get('vary')).toBe('Accept, Prefer, Range')
    expect((await hono.request(`${BASE_URL}/films?id=eq.1`, { headers: anon })).headers.get('vary')).toBe('Accept, Prefer, Range')
    const cors = await buildTestApp(h.db, { CORS_ORIGINS: 'https://app.example' })
    try {
      const both = serveOverHttp(cors.app.fetch, cors.nodeFront)
      const init = { headers: { ...anon, Origin: 'https://app.example' } }
      for (const res of [await both.fetch(`${BASE_URL}/films?id=eq.1`, init), await cors.app.request(`${BASE_URL}/films?id=eq.1`, init)]) {
        expect(res.status).toBe(200)
        expect(res.headers.get('vary')!.split(',').map((v) => v.trim()).sort()).toEqual(['Accept', 'Origin', 'Prefer', 'Range'])
      }
      await both.close()
    } finally {
      await cors.close()
    }
  })

  it('leaves preflights and the OpenAPI document to Hono', async () => {
    const before = fastServed
    const preflight = await served.fetch(`${BASE_URL}/films`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH')
    expect((await served.fetch(`${BASE_URL}/`, { headers: anon })).headers.get('content-type')).toContain('openapi')
    expect(fastServed).toBe(before)
  })

  it('keeps a sane X-Request-Id and makes one otherwise', async () => {
    const kept = await served.fetch(`${BASE_URL}/films?id=eq.1`, { headers: { ...anon, 'X-Request-Id': 'trace-42' } })
    expect(kept.headers.get('x-request-id')).toBe('trace-42')
    const made = await served.fetch(`${BASE_URL}/films?id=eq.1`, { headers: { ...anon, 'X-Request-Id': 'bad id\t' } })
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers an oversized request line with the JSON error shape (431)', async () => {
    const res = await served.fetch(`${BASE_URL}/films?id=in.(${'1,'.repeat(9000)}1)`, { headers: anon })
    expect(res.status).toBe(431)
    expect(await res.json()).toEqual({
      code: 'HEADERS_TOO_LARGE',
      message: 'The request line and headers are too large',
      details: 'Node accepts at most 16 KiB of request line and headers',
      hint: 'Send long filters in a POST to an RPC function',
    })
  })
})

describe('limits on the fast path', () => {
  let limited: TestApp
  let limitedServer: ReturnType<typeof serveOverHttp>

  beforeAll(async () => {
    limited = await buildTestApp(h.db, { RATE_LIMIT_PER_IP: '3', RATE_LIMIT_PER_USER: '0' })
    limitedServer = serveOverHttp(limited.app.fetch, limited.nodeFront)
  })
  afterAll(async () => {
    await limitedServer?.close()
    await limited?.close()
  })

  it('counts /rest/v1 and the other routes against one per-IP limit, then answers 429 as they do', async () => {
    const rest = () => limitedServer.fetch(`${BASE_URL}/films?id=eq.1`, { headers: anon })
    const first = await rest()
    expect(first.status).toBe(200)
    expect(first.headers.get('ratelimit-limit')).toBe('3')
    expect(first.headers.get('ratelimit-remaining')).toBe('2')
    expect((await limitedServer.fetch('http://floe.test/storage/v1/bucket', { headers: service })).headers.get('ratelimit-remaining')).toBe('1')
    expect((await rest()).headers.get('ratelimit-remaining')).toBe('0')
    const refused = await rest()
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many requests' })
    expect((await limitedServer.fetch('http://floe.test/storage/v1/bucket', { headers: service })).status).toBe(429)
  })

  it('enforces BODY_LIMIT while reading and sends CORS only to a listed origin', async () => {
    const fresh = await buildTestApp(h.db, { RATE_LIMIT_PER_IP: '0', BODY_LIMIT: '1024', CORS_ORIGINS: 'https://app.example' })
    const server = serveOverHttp(fresh.app.fetch, fresh.nodeFront)
    try {
      const tooBig = await server.fetch(`${BASE_URL}/films`, { method: 'POST', headers: { ...service, ...json }, body: JSON.stringify({ title: 'x'.repeat(2000) }) })
      expect(tooBig.status).toBe(413)
      expect(await tooBig.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: 'The limit is 1024 bytes' })
      const listed = await server.fetch(`${BASE_URL}/films?id=eq.1`, { headers: { ...anon, Origin: 'https://app.example' } })
      expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example')
      expect(listed.headers.get('vary')).toBe('Origin, Accept, Prefer, Range')
      const other = await server.fetch(`${BASE_URL}/films?id=eq.1`, { headers: { ...anon, Origin: 'https://evil.example' } })
      expect(other.headers.get('access-control-allow-origin')).toBeNull()
    } finally {
      await server.close()
      await fresh.close()
    }
  })
})
