/**
 * Access tokens: their claims and lifetime, and signing-key rotation by key id — a new
 * FLOE_JWT_SECRET with the old one in FLOE_JWT_PREVIOUS_SECRETS keeps issued tokens working,
 * and dropping the old secret retires them. Refresh tokens rotate: each refresh answers a new one;
 * the replaced one answers the same new token within the reuse interval and ends the session after.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jwtKeyId } from '../src/auth/index.js'
import { buildTestApp, type TestApp } from './app.js'
import { expectError, expectGoTrueError, post, signIn } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'

const OLD = 'old-jwt-secret-0123456789abcdef0123456789'
const NEW = 'new-jwt-secret-0123456789abcdef0123456789'
const PASSWORD = 'correct horse battery staple 1'
const EMAIL = 'rotate@floe.test'

let t: TestDatabase
const apps: TestApp[] = []

async function app(env: Record<string, string>): Promise<TestApp> {
  const floe = await buildTestApp(t, { AUTH_REQUIRE_EMAIL_VERIFICATION: 'false', ...env })
  floe.app.get('/test/uid', async (c) => {
    const r = await floe.withRequestRole(c.var.identity!, (trx) => sql<{ uid: string }>`select auth.uid()::text as uid`.execute(trx))
    return c.json(r.rows[0])
  })
  apps.push(floe)
  return floe
}

const uid = (floe: TestApp, token: string) => floe.app.request('/test/uid', { headers: { ...floe.anon, authorization: `Bearer ${token}` } })

beforeAll(async () => {
  t = await createTestDatabase()
})
afterAll(async () => {
  for (const a of apps) await a.close()
  await t?.drop()
})

describe('access tokens', () => {
  it('carry sub, role, email, session_id and exp = iat + AUTH_ACCESS_TOKEN_TTL_S, with the signing kid', async () => {
    const floe = await app({ FLOE_JWT_SECRET: OLD, AUTH_ACCESS_TOKEN_TTL_S: '120' })
    expect((await post(floe, '/auth/v1/sign-up/email', { email: EMAIL, password: PASSWORD, name: 'r' })).status).toBe(200)
    const s = await signIn(floe, EMAIL, PASSWORD)
    const claims = decodeJwt(s.access_token)
    const session = await sql<{ id: string }>`select id from auth.sessions where token = ${s.refresh_token}`.execute(floe.database.db)
    expect(claims).toMatchObject({ sub: s.user.id, role: 'authenticated', email: EMAIL, session_id: session.rows[0]!.id, is_anonymous: false })
    expect(claims.exp! - claims.iat!).toBe(120)
    expect(decodeProtectedHeader(s.access_token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: jwtKeyId(OLD) })
  })

  it('rotate: tokens of the old secret keep working while it is listed as previous, new ones use the new kid', async () => {
    const before = apps[0]!
    const old = await signIn(before, EMAIL, PASSWORD)

    const rotated = await app({ FLOE_JWT_SECRET: NEW, FLOE_JWT_PREVIOUS_SECRETS: OLD })
    expect((await uid(rotated, old.access_token)).status).toBe(200)
    // The refresh token (the session) survives the rotation and yields a new-key token.
    const res = await rotated.app.request('/auth/v1/token?grant_type=refresh_token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: old.refresh_token }),
    })
    expect(res.status).toBe(200)
    const fresh = (await res.json()) as { access_token: string }
    expect(decodeProtectedHeader(fresh.access_token).kid).toBe(jwtKeyId(NEW))
    expect(await (await uid(rotated, fresh.access_token)).json()).toEqual({ uid: old.user.id })

    const retired = await app({ FLOE_JWT_SECRET: NEW })
    await expectError(await uid(retired, old.access_token), 401, 'JWT_INVALID')
    expect((await uid(retired, fresh.access_token)).status).toBe(200)
  })

  it('an expired access token is refused with JWT_EXPIRED while the session still refreshes', async () => {
    const floe = await app({ FLOE_JWT_SECRET: OLD, AUTH_ACCESS_TOKEN_TTL_S: '1' })
    const s = await signIn(floe, EMAIL, PASSWORD)
    await new Promise((resolve) => setTimeout(resolve, 7_000)) // 1 s lifetime + the verifier's 5 s clock tolerance
    await expectError(await uid(floe, s.access_token), 401, 'JWT_EXPIRED')
    // Refresh is reached even with the expired token still in Authorization.
    const res = await floe.app.request('/auth/v1/token?grant_type=refresh_token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.access_token}` },
      body: JSON.stringify({ refresh_token: s.refresh_token }),
    })
    expect(res.status).toBe(200)
  }, 15_000)
})

describe('refresh token rotation', () => {
  const refresh = async (floe: TestApp, token: string) =>
    await floe.app.request('/auth/v1/token?grant_type=refresh_token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: token }),
    })
  const grant = async (res: Response) => {
    expect(res.status).toBe(200)
    return (await res.json()) as { access_token: string; refresh_token: string }
  }

  it('answers a new refresh token each time; concurrent refreshes with the old one get the same new one', async () => {
    const floe = await app({ FLOE_JWT_SECRET: OLD, AUTH_REFRESH_TOKEN_REUSE_INTERVAL_S: '10' })
    const s = await signIn(floe, EMAIL, PASSWORD)
    const [a, b] = await Promise.all([refresh(floe, s.refresh_token).then(grant), refresh(floe, s.refresh_token).then(grant)])
    expect(a.refresh_token).not.toBe(s.refresh_token)
    expect(a.refresh_token).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(b.refresh_token).toBe(a.refresh_token)
    expect(await (await uid(floe, b.access_token)).json()).toEqual({ uid: s.user.id })
    const next = await grant(await refresh(floe, a.refresh_token))
    expect(next.refresh_token).not.toBe(a.refresh_token)
    // Two generations back: not the previous token any more, so simply not found.
    await expectGoTrueError(await refresh(floe, s.refresh_token), 400, 'refresh_token_not_found')
    expect((await refresh(floe, next.refresh_token)).status).toBe(200)
  })

  it('ends the session when a replaced token comes back after the reuse interval', async () => {
    const floe = await app({ FLOE_JWT_SECRET: OLD, AUTH_REFRESH_TOKEN_REUSE_INTERVAL_S: '1' })
    const s = await signIn(floe, EMAIL, PASSWORD)
    const fresh = await grant(await refresh(floe, s.refresh_token))
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    await expectGoTrueError(await refresh(floe, s.refresh_token), 400, 'refresh_token_already_used')
    // The thief and the owner are both out: the new token was the same session's.
    await expectGoTrueError(await refresh(floe, fresh.refresh_token), 400, 'refresh_token_not_found')
    const left = await sql<{ n: number }>`select count(*)::int as n from auth.sessions where token = ${fresh.refresh_token}`.execute(floe.database.db)
    expect(left.rows[0]!.n).toBe(0)
  })
})
