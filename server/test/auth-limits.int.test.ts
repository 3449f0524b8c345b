/**
 * Brute-force limits on sign-in, sign-up, reset and magic-link routes: per client IP and per
 * account (email, case-insensitive), answered 429 in the shared error shape, and shared between
 * two app instances through Redis.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { bodyOf, post } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'

const PASSWORD = 'correct horse battery staple 1'
const apps: TestApp[] = []
const dbs: TestDatabase[] = []
const redises: Redis[] = []

afterAll(async () => {
  for (const a of apps) await a.close()
  for (const d of dbs) await d.drop()
  for (const r of redises) r.disconnect()
})

async function app(env: Record<string, string>, redis?: Redis, t?: TestDatabase): Promise<TestApp> {
  if (!t) {
    t = await createTestDatabase()
    dbs.push(t)
  }
  const floe = await buildTestApp(t, { RATE_LIMIT_PER_IP: '0', ...env }, redis ? { redis } : {})
  apps.push(floe)
  return floe
}

const signInAs = (floe: TestApp, email: string) => post(floe, '/auth/v1/sign-in/email', { email, password: PASSWORD })

describe('auth rate limits', () => {
  it('limits sign-in attempts per IP, with Retry-After and the shared error body', async () => {
    const floe = await app({ AUTH_RATE_LIMIT_PER_IP: '3', AUTH_RATE_LIMIT_PER_EMAIL: '0' })
    const statuses: number[] = []
    let last: Response | undefined
    for (let i = 0; i < 4; i++) {
      last = await signInAs(floe, `user${i}@floe.test`)
      statuses.push(last.status)
    }
    expect(statuses).toEqual([401, 401, 401, 429])
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await bodyOf(last!)).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many requests', hint: expect.stringMatching(/^Retry after/) })
  })

  it('limits per account across IPs and routes, whatever the case of the email', async () => {
    const floe = await app({ AUTH_RATE_LIMIT_PER_IP: '0', AUTH_RATE_LIMIT_PER_EMAIL: '4', TRUST_PROXY: 'true' })
    const ip = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` })
    const email = 'target@floe.test'
    const seen = [
      (await post(floe, '/auth/v1/sign-up/email', { email, password: PASSWORD, name: 't' }, ip(1))).status,
      (await post(floe, '/auth/v1/request-password-reset', { email: 'Target@Floe.test' }, ip(2))).status,
      (await post(floe, '/auth/v1/sign-in/magic-link', { email, callbackURL: '/' }, ip(3))).status,
      (await post(floe, '/auth/v1/sign-in/email', { email, password: PASSWORD }, ip(4))).status,
      (await post(floe, '/auth/v1/sign-in/email', { email: 'TARGET@floe.test', password: PASSWORD }, ip(5))).status,
    ]
    expect(seen).toEqual([200, 200, 200, 403, 429])
    // Another account is not affected.
    expect((await signInAs(floe, 'someone-else@floe.test')).status).toBe(401)
  })

  it('counts one email across better-auth\'s routes, GoTrue\'s routes and every body type: no door dodges it', async () => {
    const floe = await app({ AUTH_RATE_LIMIT_PER_IP: '0', AUTH_RATE_LIMIT_PER_EMAIL: '6', TRUST_PROXY: 'true' })
    const email = 'dodger@floe.test'
    let n = 0
    const send = (path: string, body: string, type: string) =>
      floe.app.request(path, { method: 'POST', headers: { ...floe.anon, 'content-type': type, 'x-forwarded-for': `198.51.100.${++n}` }, body })
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
    const multipart = new FormData()
    multipart.set('email', email.toUpperCase())
    multipart.set('password', PASSWORD)
    const seen = [
      (await send('/auth/v1/token?grant_type=password', JSON.stringify({ email, password: PASSWORD }), 'application/json')).status,
      (await send('/auth/v1/otp', JSON.stringify({ email: 'Dodger@floe.test', create_user: false }), 'application/json')).status,
      (await send('/auth/v1/recover', JSON.stringify({ email }), 'application/json')).status,
      (await send('/auth/v1/sign-in/email', form({ email, password: PASSWORD }), 'application/x-www-form-urlencoded')).status,
      (await floe.app.request('/auth/v1/sign-in/email', { method: 'POST', headers: { ...floe.anon, 'x-forwarded-for': '198.51.100.99' }, body: multipart })).status,
      (await send('/auth/v1/sign-in/email', JSON.stringify({ email, password: PASSWORD }), 'text/plain')).status,
      // the seventh, by yet another door and type: over the limit of 6
      (await send('/auth/v1/signup', JSON.stringify({ email, password: PASSWORD }), 'application/json')).status,
      (await send('/auth/v1/sign-in/email', form({ email, password: PASSWORD }), 'application/x-www-form-urlencoded')).status,
    ]
    expect(seen.slice(0, 6).every((s) => s !== 429)).toBe(true)
    expect(seen.slice(6)).toEqual([429, 429])
    expect((await send('/auth/v1/token?grant_type=password', JSON.stringify({ email: 'other@floe.test', password: PASSWORD }), 'application/json')).status).toBe(400)
  })

  // Issue 15 item 10: the per-email limit once read only bodies whose type contained lowercase
  // `json`; the same attempt as `application/JSON` or a form skipped it. Every route that signs in
  // (or proves a code for an email) is tried with each encoding, each on its own address: the third
  // attempt is refused whatever the encoding and the IP.
  it('keys the per-email limit on the parsed email whatever the encoding, on every route that signs in', async () => {
    const floe = await app({ AUTH_RATE_LIMIT_PER_IP: '0', AUTH_RATE_LIMIT_PER_EMAIL: '2', TRUST_PROXY: 'true' })
    const routes: [string, (email: string) => Record<string, string>][] = [
      ['/auth/v1/sign-in/email', (email) => ({ email, password: PASSWORD })],
      ['/auth/v1/sign-in/magic-link', (email) => ({ email, callbackURL: '/' })],
      ['/auth/v1/token?grant_type=password', (email) => ({ email, password: PASSWORD })],
      ['/auth/v1/otp', (email) => ({ email, create_user: 'false' })],
      ['/auth/v1/verify', (email) => ({ email, token: '123456', type: 'email' })],
      ['/auth/v1/signup', (email) => ({ email, password: PASSWORD })],
    ]
    const encodings: [string, (fields: Record<string, string>) => string][] = [
      ['application/JSON', (f) => JSON.stringify(f)],
      ['Application/Json; charset=UTF-8', (f) => JSON.stringify(f)],
      ['application/x-www-form-urlencoded', (f) => new URLSearchParams(f).toString()],
      ['APPLICATION/X-WWW-FORM-URLENCODED;charset=utf-8', (f) => new URLSearchParams(f).toString()],
    ]
    let n = 0
    const missed: string[] = []
    for (const [path, fields] of routes) {
      for (const [type, encode] of encodings) {
        const email = `enc${++n}@floe.test`
        const statuses: number[] = []
        for (let i = 0; i < 3; i++) {
          const headers = { ...floe.anon, 'content-type': type, 'x-forwarded-for': `192.0.2.${(n * 3 + i) % 250}` }
          statuses.push((await floe.app.request(path, { method: 'POST', headers, body: encode(fields(i === 2 ? email.toUpperCase() : email)) })).status)
        }
        if (statuses[2] !== 429 || statuses.slice(0, 2).includes(429)) missed.push(`${path} as ${type}: ${statuses.join(',')}`)
      }
    }
    expect(missed).toEqual([])
  })

  it('limits every better-auth route that signs in, checks a password or a code, or sends mail', async () => {
    const floe = await app({ AUTH_RATE_LIMIT_PER_IP: '1', AUTH_RATE_LIMIT_PER_EMAIL: '0', TRUST_PROXY: 'true', AUTH_ANONYMOUS_ENABLED: 'true' })
    // better-auth's own list of endpoints, so a plugin added later is checked too.
    const endpoints = Object.values(floe.auth.betterAuth.api as unknown as Record<string, { path?: string; options?: { method?: unknown } }>)
    const sensitive = endpoints
      .filter((e) => e.options?.method === 'POST' && typeof e.path === 'string' && !e.path.startsWith('/admin/'))
      .map((e) => e.path!)
      .filter((p) => /^\/(sign-in|sign-up|two-factor)\/|password|verif|otp|email|delete-user$/.test(p))
    expect(sensitive).toEqual(expect.arrayContaining(['/sign-in/email', '/two-factor/verify-otp', '/verify-password']))
    const unlimited: string[] = []
    for (const [i, path] of sensitive.entries()) {
      const headers = { ...floe.anon, 'content-type': 'application/json', 'x-forwarded-for': `198.18.0.${i + 1}` }
      const statuses: number[] = []
      for (let k = 0; k < 2; k++) statuses.push((await floe.app.request(`/auth/v1${path}`, { method: 'POST', headers, body: '{}' })).status)
      if (statuses[1] !== 429) unlimited.push(`${path}: ${statuses.join(',')}`)
    }
    expect(unlimited).toEqual([])
  })

  it('does not limit reads such as get-session', async () => {
    const floe = await app({ AUTH_RATE_LIMIT_PER_IP: '1' })
    const codes = []
    for (let i = 0; i < 3; i++) codes.push((await floe.app.request('/auth/v1/get-session', { headers: floe.anon })).status)
    expect(codes).toEqual([200, 200, 200])
  })

  const redisUrl = inject('redisUrl')
  it.skipIf(!redisUrl)('shares the per-account count between two instances through Redis', async () => {
    const prefix = `floe-test-${randomBytes(4).toString('hex')}:`
    const t = await createTestDatabase()
    dbs.push(t)
    const r1 = new Redis(redisUrl!)
    const r2 = new Redis(redisUrl!)
    redises.push(r1, r2)
    const env = { AUTH_RATE_LIMIT_PER_IP: '0', AUTH_RATE_LIMIT_PER_EMAIL: '2', REDIS_PREFIX: prefix }
    const a = await app(env, r1, t)
    const b = await app(env, r2, t)
    const email = 'shared@floe.test'
    expect([(await signInAs(a, email)).status, (await signInAs(b, email)).status, (await signInAs(a, email)).status]).toEqual([401, 401, 429])
    expect((await signInAs(b, email)).status).toBe(429)
    const keys = await r1.keys(`${prefix}rl:auth-email:*`)
    expect(keys.length).toBe(1)
    // The account is counted under a hash, never the address itself.
    expect(keys[0]).not.toContain('shared')
    await r1.del(...keys)
  })
})
