/**
 * Issue 18, the first admin: the public GET/POST /admin/v1/setup (mounted before the admin router,
 * whose requireAdmin must not see them), the one-time token (the same for every replica and after
 * a restart, void once an admin exists), FLOE_ADMIN_EMAIL at boot, and the boot log line (printed
 * only while no admin exists; the token nowhere else), through the real process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { buildTestApp, TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { post, signIn } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startFloeProcess } from './process.js'
import { call, expectErrorShape, sqlOn } from './rules-helpers.js'

const PASSWORD = 'the first admin passphrase'
const dbs: TestDatabase[] = []
let t: TestDatabase
let floe: TestApp

beforeAll(async () => {
  t = await createTestDatabase()
  dbs.push(t)
  floe = await buildTestApp(t)
})
afterAll(async () => {
  await floe?.close()
  for (const d of dbs) await d.drop()
})

const setupPost = (body: unknown, headers: Record<string, string> = {}) => call(floe, 'POST', '/admin/v1/setup', headers, body)
const userCount = async () => (await sqlOn<{ n: number }>(t.url, 'select count(*)::int as n from auth.users'))[0]!.n

describe('first admin through the setup link', () => {
  it('GET says setup is needed, with no credentials (requireAdmin does not run for it)', async () => {
    expect(await call(floe, 'GET', '/admin/v1/setup', {})).toEqual({ status: 200, body: { needs_setup: true } })
    // The rest of /admin/v1 still wants an admin.
    expect((await call(floe, 'GET', '/admin/v1/users', {})).status).toBe(401)
  })

  it('gives one token to every replica and after a restart', async () => {
    const token = await floe.deps.adminSetup!.prepare()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await floe.deps.adminSetup!.prepare()).toBe(token)
    const replica = await buildTestApp(t)
    try {
      expect(await replica.deps.adminSetup!.prepare()).toBe(token)
    } finally {
      await replica.close()
    }
  })

  it('refuses a request without the token (401) or with a wrong one (403), creating nobody', async () => {
    const before = await userCount()
    const missing = await setupPost({ email: 'boss@floe.test', password: PASSWORD })
    expect(missing.status).toBe(401)
    expectErrorShape(missing.body, 'USERS_SETUP_TOKEN_MISSING')
    const token = (await floe.deps.adminSetup!.prepare())!
    for (const wrong of ['x', token.slice(0, -1), token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), token + 'A']) {
      const res = await setupPost({ token: wrong, email: 'boss@floe.test', password: PASSWORD }, floe.anon)
      expect(res.status).toBe(403)
      expectErrorShape(res.body, 'USERS_SETUP_TOKEN_INVALID')
    }
    expect((await setupPost({ token, email: 'boss@floe.test', password: 'short' })).status).toBe(400)
    expect(await userCount()).toBe(before)
    expect((await call(floe, 'GET', '/admin/v1/setup', {})).body).toEqual({ needs_setup: true })
  })

  it('creates the admin (verified, signed in) with the token, once; then the link is void', async () => {
    const token = (await floe.deps.adminSetup!.prepare())!
    // Two setups racing with the right token (a double click): the nonce is claimed once, so one admin.
    const body = { token, email: 'Boss@Floe.test', password: PASSWORD, name: 'The Boss' }
    const both = await Promise.all([setupPost(body), setupPost(body)])
    expect(both.map((r) => r.status).sort()).toEqual([201, 409])
    const res = both.find((r) => r.status === 201)!
    expect(await sqlOn(t.url, `select email from auth.users where role = 'admin'`)).toEqual([{ email: 'boss@floe.test' }])
    const session = res.body as { access_token: string; refresh_token: string; user: { id: string; email: string } }
    expect(session.user.email).toBe('boss@floe.test')
    const headers = { ...floe.anon, authorization: `Bearer ${session.access_token}` }
    const me = await call(floe, 'GET', `/admin/v1/users/${session.user.id}`, headers)
    expect(me).toMatchObject({ status: 200, body: { role: 'admin', email_verified: true, name: 'The Boss' } })
    // And by password, as the dashboard signs in later.
    expect((await signIn(floe, 'boss@floe.test', PASSWORD)).user.id).toBe(session.user.id)

    const again = await setupPost({ token, email: 'intruder@floe.test', password: PASSWORD })
    expect(again.status).toBe(409)
    expectErrorShape(again.body, 'USERS_SETUP_DONE')
    expect((await call(floe, 'GET', '/admin/v1/setup', {})).body).toEqual({ needs_setup: false })
    expect(await floe.deps.adminSetup!.prepare()).toBeUndefined()
    expect(await sqlOn(t.url, 'select * from floe.admin_setup')).toEqual([])
    const audit = (await call(floe, 'GET', '/admin/v1/audit?action=users.setup_admin', floe.service)).body as { actor: string; target: string }[]
    expect(audit).toMatchObject([{ actor: 'boss@floe.test', target: session.user.id }])
    expect(JSON.stringify(audit)).not.toContain(token)
  })

  it('FLOE_ADMIN_EMAIL: an existing account is made admin (password kept), idempotently', async () => {
    const res = await post(floe, '/auth/v1/sign-up/email', { email: 'ops@floe.test', password: 'ops own passphrase', name: 'ops' })
    expect(res.status).toBe(200)
    const setup = floe.deps.adminSetup!
    expect(await setup.ensureAdmin({ email: 'ops@floe.test', password: PASSWORD })).toBe('promoted')
    expect(await setup.ensureAdmin({ email: 'ops@floe.test', password: PASSWORD })).toBe('unchanged')
    expect(await sqlOn(t.url, `select role from auth.users where email = 'ops@floe.test'`)).toEqual([{ role: 'admin' }])
  })
})

describe('the real process', () => {
  const env = (db: TestDatabase, port: number, extra: Record<string, string> = {}) => ({
    DATABASE_URL: db.url, PORT: String(port), LOG_LEVEL: 'info', RATE_LIMIT_PER_IP: '0',
    FLOE_JWT_SECRET: TEST_JWT_SECRET, FLOE_ANON_KEY: TEST_ANON_KEY, FLOE_SERVICE_KEY: TEST_SERVICE_KEY, ...extra,
  })

  it('prints the setup link while no admin exists, and the token only there; the link works over HTTP', async () => {
    const db = await createTestDatabase()
    dbs.push(db)
    const port = await findFreePort()
    const p = await startFloeProcess(env(db, port))
    try {
      const m = /\/dashboard\/setup\?token=([A-Za-z0-9_-]+)/.exec(p.output())
      expect(m?.[0]).toBeDefined()
      expect(p.output()).toContain(`http://localhost:${port}/dashboard/setup?token=`)
      const token = m![1]!
      const res = await fetch(`${p.url}/admin/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, email: 'root@floe.test', password: PASSWORD }) })
      expect(res.status).toBe(201)
      const { access_token: accessToken } = (await res.json()) as { access_token: string }
      expect((await fetch(`${p.url}/admin/v1/users`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200)
      expect(p.output().split(token).length - 1).toBe(1)
    } finally {
      p.signal('SIGTERM')
      await p.exited
    }
  })

  it('creates the FLOE_ADMIN_EMAIL admin at boot and prints no setup link', async () => {
    const db = await createTestDatabase()
    dbs.push(db)
    const p = await startFloeProcess(env(db, await findFreePort(), { FLOE_ADMIN_EMAIL: 'Ops@Floe.test', FLOE_ADMIN_PASSWORD: PASSWORD }))
    try {
      expect(p.output()).not.toContain('/dashboard/setup')
      expect(p.output()).not.toContain(PASSWORD)
      expect(p.output()).toContain('admin account created from FLOE_ADMIN_EMAIL')
      const res = await fetch(`${p.url}/auth/v1/sign-in/email`, { method: 'POST', headers: { apikey: TEST_ANON_KEY, 'content-type': 'application/json', origin: p.url }, body: JSON.stringify({ email: 'ops@floe.test', password: PASSWORD }) })
      expect(res.status).toBe(200)
      const { access_token: accessToken } = (await res.json()) as { access_token: string }
      expect((await fetch(`${p.url}/admin/v1/users`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200)
      expect((await (await fetch(`${p.url}/admin/v1/setup`)).json()) as unknown).toEqual({ needs_setup: false })
    } finally {
      p.signal('SIGTERM')
      await p.exited
    }
  })
})
