import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'

let t: TestDatabase
let floe: TestApp

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t, { BODY_LIMIT: '1kb', REQUEST_TIMEOUT_MS: '300', CORS_ORIGINS: 'https://app.test' })
  floe.app.post('/test/echo', async (c) => c.json({ length: (await c.req.text()).length }))
  floe.app.get('/test/slow', async (c) => {
    await new Promise((r) => setTimeout(r, 1_000))
    return c.json({ late: true })
  })
  floe.app.get('/test/boom', () => {
    throw new Error('internal detail: password=hunter2')
  })
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('platform HTTP behaviour', () => {
  it('serves /health and /ready without credentials', async () => {
    expect(await (await floe.app.request('/health')).json()).toEqual({ status: 'ok' })
    const ready = await floe.app.request('/ready')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: {
        database: { status: 'ok', latency_ms: expect.any(Number) },
        storage: { status: 'ok', latency_ms: expect.any(Number), message: 'filesystem' },
        schema_cache: { status: 'ok', latency_ms: expect.any(Number), message: expect.stringMatching(/^loaded /) },
        jobs: { status: 'disabled', message: 'jobs are not mounted' },
        redis: { status: 'disabled', message: 'REDIS_URL is not set' },
        realtime: { status: 'ok', message: '0 sockets, 0 channels; broadcast/presence over postgres; postgres_changes lag 0' },
      },
    })
  })

  it('serves the OpenAPI document and the reference page', async () => {
    const doc = (await (await floe.app.request('/openapi.json')).json()) as { paths: Record<string, unknown>; components: { securitySchemes: object } }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready']))
    expect(doc.components.securitySchemes).toHaveProperty('apikey')
    const page = await floe.app.request('/docs')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
  })

  it('answers an unknown route with a 404 JSON error (after the key check)', async () => {
    const res = await floe.app.request('/v9/nothing', { headers: floe.anon })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ code: 'NOT_FOUND', message: 'Not found', details: 'No route matches GET /v9/nothing', hint: null })
  })

  it('refuses a body over the limit with 413 before reading it', async () => {
    const res = await floe.app.request('/test/echo', { method: 'POST', headers: { ...floe.anon, 'content-type': 'text/plain' }, body: 'x'.repeat(2048) })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: 'The limit is 1024 bytes' })
    const ok = await floe.app.request('/test/echo', { method: 'POST', headers: { ...floe.anon, 'content-type': 'text/plain' }, body: 'x'.repeat(10) })
    expect(await ok.json()).toEqual({ length: 10 })
  })

  it('answers a JSON route sent another content type with 415 in the shared shape', async () => {
    const res = await floe.app.request('/storage/v1/bucket', { method: 'POST', headers: { ...floe.service, 'content-type': 'text/plain' }, body: 'name=x' })
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' })
  })

  it('cuts a request off at the timeout with 504 JSON', async () => {
    const res = await floe.app.request('/test/slow', { headers: floe.anon })
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ code: 'TIMEOUT' })
  })

  it('never leaks an internal error', async () => {
    const res = await floe.app.request('/test/boom', { headers: floe.anon })
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ code: 'INTERNAL', message: 'Internal error', details: null, hint: null })
    expect(text).not.toContain('hunter2')
  })

  it('answers CORS preflights for the configured origin only, without credentials', async () => {
    const pre = await floe.app.request('/rest/v1/films', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'apikey,prefer' },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.test')
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/apikey/)
    // auth-js sends x-supabase-api-version on every call (found by e2e/: a browser sign-up failed)
    expect(pre.headers.get('access-control-allow-headers')!.split(',')).toEqual(
      expect.arrayContaining(['x-client-info', 'x-supabase-api-version', 'x-retry-count']),
    )
    const other = await floe.app.request('/health', { headers: { origin: 'https://evil.test' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('sets a request id and secure headers on every response', async () => {
    const res = await floe.app.request('/health', { headers: { 'x-request-id': 'trace-123' } })
    expect(res.headers.get('x-request-id')).toBe('trace-123')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const generated = await floe.app.request('/health', { headers: { 'x-request-id': 'bad id with spaces' } })
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('response headers on the data API', () => {
  it('are the same secure and CORS headers as on every other route', async () => {
    const other = await floe.app.request('/nope', { headers: { ...floe.anon, origin: 'https://app.test' } })
    const rest = await floe.app.request('/rest/v1/nope', { headers: { ...floe.anon, origin: 'https://app.test' } })
    const pick = (r: Response) =>
      Object.fromEntries([...r.headers.entries()].filter(([k]) => k.startsWith('access-control') || k.startsWith('x-') || k.startsWith('cross-origin') || ['vary', 'referrer-policy', 'strict-transport-security', 'origin-agent-cluster'].includes(k)).filter(([k]) => k !== 'x-request-id'))
    expect(pick(rest)).toEqual(pick(other))
    expect(pick(rest)['access-control-allow-origin']).toBe('https://app.test')
    expect(pick(rest)['x-frame-options']).toBe('SAMEORIGIN')
  })
})
