import { afterAll, describe, expect, inject, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { buildTestApp, TEST_ANON_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { dropPrefix, testPrefix } from './jobs-helpers.js'
import { startFloeProcess } from './process.js'

const dbs: TestDatabase[] = []
afterAll(async () => {
  for (const d of dbs) await d.drop()
})

describe('rate limits', () => {
  it('answers 429 with Retry-After and the shared error body past the per-IP limit', async () => {
    const t = await createTestDatabase()
    dbs.push(t)
    const floe = await buildTestApp(t, { RATE_LIMIT_PER_IP: '3', RATE_LIMIT_WINDOW_MS: '60000' })
    try {
      const statuses: number[] = []
      let last: Response | undefined
      for (let i = 0; i < 5; i++) {
        last = await floe.app.request('/nothing-here', { headers: floe.anon })
        statuses.push(last.status)
      }
      expect(statuses).toEqual([404, 404, 404, 429, 429])
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(Number(last!.headers.get('retry-after'))).toBeLessThanOrEqual(60)
      expect(await last!.json()).toEqual({
        code: 'RATE_LIMITED',
        message: 'Too many requests',
        details: 'More than 3 requests in 60 s',
        hint: expect.stringMatching(/^Retry after \d+ s$/),
      })
      // Probes are never limited.
      expect((await floe.app.request('/health')).status).toBe(200)
    } finally {
      await floe.close()
    }
  })

  it('limits a signed-in user across keys by the JWT sub', async () => {
    const t = await createTestDatabase()
    dbs.push(t)
    const floe = await buildTestApp(t, { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '2' })
    try {
      const alice = await floe.asUser({ sub: 'alice' })
      const bob = await floe.asUser({ sub: 'bob' })
      const s = async (h: Record<string, string>) => (await floe.app.request('/x', { headers: h })).status
      expect([await s(alice), await s(alice), await s(alice), await s(bob)]).toEqual([404, 404, 429, 404])
    } finally {
      await floe.close()
    }
  })

  const redisUrl = inject('redisUrl')
  // Needs a Redis; global setup reports when none is reachable.
  it.skipIf(!redisUrl)('shares the limit between two server processes through Redis', async () => {
    const t = await createTestDatabase()
    dbs.push(t)
    const prefix = testPrefix()
    const env = testEnv(t, {
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: prefix,
      RATE_LIMIT_PER_IP: '6',
      RATE_LIMIT_WINDOW_MS: '60000',
      LOG_LEVEL: 'warn',
    })
    const [a, b] = await Promise.all([
      startFloeProcess({ ...env, PORT: String(await findFreePort()) }),
      startFloeProcess({ ...env, PORT: String(await findFreePort()) }),
    ])
    try {
      const keyed = async (url: string) => (await fetch(`${url}/nope`, { headers: { apikey: TEST_ANON_KEY } })).status
      const seq = [await keyed(a.url), await keyed(b.url), await keyed(a.url), await keyed(b.url), await keyed(a.url), await keyed(b.url)]
      expect(seq).toEqual([404, 404, 404, 404, 404, 404])
      // The 7th request from this IP is over the shared limit on either process.
      const over = await fetch(`${a.url}/nope`, { headers: { apikey: TEST_ANON_KEY } })
      expect(over.status).toBe(429)
      expect(over.headers.get('retry-after')).toMatch(/^\d+$/)
      expect((await fetch(`${b.url}/nope`, { headers: { apikey: TEST_ANON_KEY } })).status).toBe(429)
    } finally {
      a.signal('SIGTERM')
      b.signal('SIGTERM')
      await Promise.all([a.exited, b.exited])
      await dropPrefix(redisUrl!, prefix) // the limiter's keys, and the job queues' the servers opened
    }
  })
})
