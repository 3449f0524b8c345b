/**
 * Fuzz of the platform routes (everything but the data API, which has its own fuzz test): 3,000
 * random requests to every route of the OpenAPI document plus the auth, storage and realtime
 * paths it does not list, with odd path parameters, methods, credentials, content types and
 * bodies (malformed, huge, deeply nested, wrong types). The property: never a 5xx other than a
 * 503 naming a dependency, never a dropped connection, and the server still answers afterwards.
 * A failure prints the seed: `FUZZ_SEED=<seed> npx vitest run test/platform-fuzz.int.test.ts`;
 * `FUZZ_REQUESTS=<n>` sends more.
 *
 * It fuzzes the server, not the limiter: every rate limit is off (under the defaults most of 3,000
 * requests from one IP would be 429s and never reach a route), and the run reports how many
 * requests reached a handler and asserts that no limiter answered or even counted one.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, TEST_SERVICE_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { dropPrefix, testPrefix } from './jobs-helpers.js'
import { startFloeProcess, type FloeProcess } from './process.js'

const SEED = process.env.FUZZ_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED)
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000)
const redisUrl = inject('redisUrl')
const prefix = testPrefix()

let t: TestDatabase | undefined
let floe: FloeProcess | undefined
beforeAll(async () => {
  t = await createTestDatabase()
  floe = await startFloeProcess(testEnv(t, {
    PORT: String(await findFreePort()), LOG_LEVEL: 'warn', BODY_LIMIT: '131072',
    RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0', AUTH_RATE_LIMIT_PER_IP: '0', AUTH_RATE_LIMIT_PER_EMAIL: '0',
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: prefix } : {}),
  }))
})
afterAll(async () => {
  if (floe) {
    process.kill(floe.proc.pid!, 'SIGKILL')
    await floe.exited // gone for good before its keys are dropped (a live worker writes them again)
  }
  await t?.drop()
  if (redisUrl) await dropPrefix(redisUrl, prefix)
})

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const UNLISTED = [
  '/auth/v1/sign-up/email', '/auth/v1/sign-in/email', '/auth/v1/get-session', '/auth/v1/sign-out', '/auth/v1/token?grant_type=password',
  '/auth/v1/token?grant_type=refresh_token', '/auth/v1/sign-in/magic-link', '/auth/v1/forget-password', '/auth/v1/reset-password?token=x',
  '/auth/v1/change-password', '/auth/v1/update-user', '/auth/v1/sign-in/anonymous', '/auth/v1/two-factor/enable', '/auth/v1/admin/list-users',
  '/auth/v1/verify-email?token=x', '/storage/v1/object/b1/a.txt', '/storage/v1/object/public/b1/a.txt', '/storage/v1/object/sign/b1/a.txt',
  '/storage/v1/object/info/b1/a.txt', '/storage/v1/render/image/public/b1/a.png?width=10', '/storage/v1/upload/resumable',
  '/storage/v1/object/upload/sign/b1/a.txt', '/realtime/v1', '/rest/v1/', '/docs', '/nowhere',
]
const PARAMS = ['x', 'b1', 'films', '%00', '..', 'a'.repeat(300), '%E2%82', '1', "'", 'pg_class', 'public.x', '0000', 'admin', '%2F', '🎬']
const BODIES: (string | undefined)[] = [
  undefined, '', '{', 'null', '[]', '{}', '"s"', '123', '{"a":1}', '[1,2]', '{"__proto__":{"a":1}}', '['.repeat(5000) + ']'.repeat(5000),
  JSON.stringify({ name: 'b1', public: true }), JSON.stringify({ email: 'a@b.c', password: 'x' }),
  JSON.stringify({ email: `${'x'.repeat(5000)}@b.c`, password: 'p'.repeat(300) }), JSON.stringify({ email: 'a@b.c', password: 'correct horse battery', name: '\u0000' }),
  JSON.stringify({ payload: {}, delay_ms: -1, priority: 1e20 }), JSON.stringify({ expression: '1/0', command: 'select' }),
  JSON.stringify({ bucketId: 'b1', sourceKey: '../../etc/passwd', destinationKey: 'x' }), JSON.stringify({ prefix: '', limit: -5, offset: 'x' }),
  JSON.stringify({ cron: '* * * * * * *', tz: 'Nowhere/City' }), JSON.stringify({ url: 'http://127.0.0.1:1/', table: 'x', events: ['insert'] }),
  JSON.stringify({ refresh_token: 'x', grant_type: 'refresh_token' }), JSON.stringify({ a: 'x'.repeat(200_000) }),
]
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']
const CREDENTIALS: Record<string, string>[] = [{}, { apikey: TEST_ANON_KEY }, { apikey: TEST_SERVICE_KEY }, { apikey: TEST_ANON_KEY, authorization: 'Bearer x.y.z' }]
const NAMED_503 = new Set(['DATABASE_UNAVAILABLE', 'STORAGE_UNAVAILABLE', 'JOBS_UNAVAILABLE', 'SERVICE_UNAVAILABLE'])

describe('platform routes fuzz', () => {
  it(`answers ${REQUESTS} random requests without a 5xx or a dropped connection (seed ${SEED})`, async () => {
    const base = floe!.url
    const doc = (await (await fetch(`${base}/openapi.json`, { headers: { apikey: TEST_ANON_KEY } })).json()) as { paths: Record<string, unknown> }
    const paths = [...Object.keys(doc.paths), ...UNLISTED]
    expect(paths.length).toBeGreaterThan(40)
    const random = prng(SEED)
    const pick = <T>(a: readonly T[]): T => a[Math.floor(random() * a.length)]!
    const failures: string[] = []
    const byStatus = new Map<number, number>()
    let limiterSeen = 0
    for (let i = 0; i < REQUESTS; i++) {
      const path = pick(paths).replace(/\{[a-z]+\}/gi, () => pick(PARAMS))
      const method = pick(METHODS)
      const body = method === 'GET' ? undefined : pick(BODIES)
      const headers = { ...pick(CREDENTIALS), ...(body !== undefined ? { 'content-type': pick(CONTENT_TYPES) } : {}) }
      const what = `${method} ${path} ${JSON.stringify(headers)} ${String(body).slice(0, 60)}`
      try {
        const res = await fetch(base + path, { method, headers, ...(body !== undefined && { body }) })
        const text = await res.text()
        byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1)
        if (res.headers.has('ratelimit-limit')) limiterSeen++
        if (res.status >= 500) {
          const code = res.status === 503 ? (JSON.parse(text) as { code?: string }).code : undefined
          if (!code || !NAMED_503.has(code)) failures.push(`${res.status} ${what} → ${text.slice(0, 200)}`)
        }
      } catch (err) {
        failures.push(`connection failed: ${what} → ${String((err as { cause?: unknown }).cause ?? err)}`)
      }
    }
    const limited = byStatus.get(429) ?? 0
    const statuses = [...byStatus].sort(([a], [b]) => a - b).map(([st, n]) => `${st}: ${n}`).join(', ')
    console.info(`Platform fuzz: ${REQUESTS} requests, ${REQUESTS - limited} reached a handler (not 429), ${limiterSeen} counted by a rate limiter (${statuses})`)
    expect(failures, `seed ${SEED}`).toEqual([])
    // The limits are off: a 429, or a RateLimit-Limit header, means a limiter still ran.
    expect({ limited, limiterSeen }).toEqual({ limited: 0, limiterSeen: 0 })
    expect((await fetch(`${base}/health`)).status).toBe(200)
  }, 30_000 + REQUESTS * 20)
})
