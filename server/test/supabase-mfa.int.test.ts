/**
 * MFA TOTP through the unmodified `@supabase/supabase-js` (auth-js `mfa.*`) against a real Floe
 * over HTTP: enroll, challenge and verify with a code the test computes from the enrolled secret
 * (RFC 6238), aal2 in the token and through getAuthenticatorAssuranceLevel, listFactors, unenroll,
 * and the refusals GoTrue gives (wrong code, used or expired challenge, password change at aal1).
 */
import type { AuthChangeEvent, SupabaseClient } from '@supabase/supabase-js'
import { decodeJwt } from 'jose'
import { sql } from 'kysely'
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { supabaseClient } from './supabase-client.js'

const PASSWORD = 'correct horse battery staple 1'
let t: TestDatabase
let floe: TestApp

/** The code an authenticator app would show now for a base32 secret (SHA-1, 6 digits, 30 s). */
const totpNow = (secret: string, offsetS = 0) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() + offsetS * 1000 })

/** A code that is not the current one, nor one step either side. */
function wrongCode(secret: string): string {
  const near = new Set([-30, 0, 30].map((s) => totpNow(secret, s)))
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0')
    if (!near.has(code)) return code
  }
}

async function signedIn(email: string): Promise<SupabaseClient> {
  const sb = supabaseClient(floe)
  const { error } = await sb.auth.signUp({ email, password: PASSWORD })
  expect(error).toBeNull()
  return sb
}

async function enrolled(sb: SupabaseClient, friendlyName?: string) {
  const { data, error } = await sb.auth.mfa.enroll({ factorType: 'totp', ...(friendlyName !== undefined && { friendlyName }) })
  expect(error).toBeNull()
  return data!
}

async function accessToken(sb: SupabaseClient): Promise<string> {
  return (await sb.auth.getSession()).data.session!.access_token
}

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t, { AUTH_REQUIRE_EMAIL_VERIFICATION: 'false', AUTH_ANONYMOUS_ENABLED: 'true' })
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('supabase-js MFA (TOTP) against Floe', () => {
  it('enroll → challenge → verify with a computed code: aal2 in the token, MFA_CHALLENGE_VERIFIED, factors listed', async () => {
    const sb = await signedIn('mfa1@floe.test')
    const before = await sb.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(before.data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal1' })

    const factor = await enrolled(sb, 'phone app')
    expect(factor).toMatchObject({ type: 'totp', friendly_name: 'phone app' })
    expect(factor.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(factor.totp.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(factor.totp.uri).toMatch(/^otpauth:\/\/totp\/.*secret=[A-Z2-7]{32}/)
    expect(factor.totp.uri).toContain('mfa1%40floe.test')
    expect(factor.totp.qr_code).toMatch(/^data:image\/svg\+xml;utf-8,<svg /)
    const secretAtRest = await sql<{ secret: string }>`select secret from auth.mfa_factors where id = ${factor.id}::uuid`.execute(floe.database.db)
    expect(secretAtRest.rows[0]!.secret).not.toContain(factor.totp.secret)

    const unverified = await sb.auth.mfa.listFactors()
    expect(unverified.data?.all).toHaveLength(1)
    expect(unverified.data?.totp).toHaveLength(0)

    const events: AuthChangeEvent[] = []
    sb.auth.onAuthStateChange((event) => void events.push(event))
    const challenge = await sb.auth.mfa.challenge({ factorId: factor.id })
    expect(challenge.error).toBeNull()
    expect(challenge.data).toMatchObject({ type: 'totp', id: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    expect(challenge.data!.expires_at).toBeGreaterThan(Date.now() / 1000 + 250)
    const verified = await sb.auth.mfa.verify({ factorId: factor.id, challengeId: challenge.data!.id, code: totpNow(factor.totp.secret) })
    expect(verified.error).toBeNull()
    expect(events).toContain('MFA_CHALLENGE_VERIFIED')

    const claims = decodeJwt(await accessToken(sb))
    expect(claims.aal).toBe('aal2')
    expect((claims.amr as { method: string }[]).map((e) => e.method)).toEqual(['totp', 'password'])
    const aal = await sb.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(aal.data).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' })
    expect(aal.data!.currentAuthenticationMethods.map((m) => (typeof m === 'string' ? m : m.method))).toEqual(['totp', 'password'])

    const listed = await sb.auth.mfa.listFactors()
    expect(listed.data?.totp).toEqual([expect.objectContaining({ id: factor.id, status: 'verified', factor_type: 'totp', friendly_name: 'phone app' })])

    // The level survives a refresh (it is the session's, not the token's).
    const refreshed = await sb.auth.refreshSession()
    expect(decodeJwt(refreshed.data.session!.access_token).aal).toBe('aal2')
  })

  it('a new sign-in is aal1 with aal2 next; challengeAndVerify raises it; password change is refused at aal1 and allowed at aal2', async () => {
    const first = await signedIn('mfa2@floe.test')
    const factor = await enrolled(first)
    expect((await first.auth.mfa.challengeAndVerify({ factorId: factor.id, code: totpNow(factor.totp.secret) })).error).toBeNull()

    const sb = supabaseClient(floe)
    expect((await sb.auth.signInWithPassword({ email: 'mfa2@floe.test', password: PASSWORD })).error).toBeNull()
    expect((await sb.auth.mfa.getAuthenticatorAssuranceLevel()).data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })

    const refused = await sb.auth.updateUser({ password: 'another long password 2' })
    expect(refused.error).toMatchObject({ status: 403, code: 'insufficient_aal' })
    const enrollAgain = await sb.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'second' })
    expect(enrollAgain.error).toMatchObject({ status: 403, code: 'insufficient_aal' })
    const unenrollAtAal1 = await sb.auth.mfa.unenroll({ factorId: factor.id })
    expect(unenrollAtAal1.error).toMatchObject({ status: 422, code: 'insufficient_aal' })

    expect((await sb.auth.mfa.challengeAndVerify({ factorId: factor.id, code: totpNow(factor.totp.secret) })).error).toBeNull()
    expect((await sb.auth.mfa.getAuthenticatorAssuranceLevel()).data).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' })
    expect((await sb.auth.updateUser({ password: 'another long password 2' })).error).toBeNull()
  })

  it('a wrong code is mfa_verification_failed (422) and leaves the challenge usable; a used challenge is refused', async () => {
    const sb = await signedIn('mfa3@floe.test')
    const factor = await enrolled(sb)
    const challenge = (await sb.auth.mfa.challenge({ factorId: factor.id })).data!
    const wrong = await sb.auth.mfa.verify({ factorId: factor.id, challengeId: challenge.id, code: wrongCode(factor.totp.secret) })
    expect(wrong.error).toMatchObject({ status: 422, code: 'mfa_verification_failed' })
    expect(decodeJwt(await accessToken(sb)).aal).toBe('aal1')

    expect((await sb.auth.mfa.verify({ factorId: factor.id, challengeId: challenge.id, code: totpNow(factor.totp.secret) })).error).toBeNull()
    const reused = await sb.auth.mfa.verify({ factorId: factor.id, challengeId: challenge.id, code: totpNow(factor.totp.secret) })
    expect(reused.error).toMatchObject({ status: 422, code: 'mfa_ip_address_mismatch' })
  })

  it('an expired challenge is mfa_challenge_expired (422); an unknown one or factor is refused', async () => {
    const sb = await signedIn('mfa4@floe.test')
    const factor = await enrolled(sb)
    const challenge = (await sb.auth.mfa.challenge({ factorId: factor.id })).data!
    await sql`update auth.mfa_challenges set created_at = now() - interval '301 seconds' where id = ${challenge.id}::uuid`.execute(floe.database.db)
    const expired = await sb.auth.mfa.verify({ factorId: factor.id, challengeId: challenge.id, code: totpNow(factor.totp.secret) })
    expect(expired.error).toMatchObject({ status: 422, code: 'mfa_challenge_expired' })

    const unknownChallenge = await sb.auth.mfa.verify({ factorId: factor.id, challengeId: crypto.randomUUID(), code: '123456' })
    expect(unknownChallenge.error).toMatchObject({ status: 422, code: 'mfa_factor_not_found' })
    const unknownFactor = await sb.auth.mfa.challenge({ factorId: crypto.randomUUID() })
    expect(unknownFactor.error).toMatchObject({ status: 404, code: 'mfa_factor_not_found' })

    // Another user's factor is not found either.
    const other = await signedIn('mfa4b@floe.test')
    expect((await other.auth.mfa.challenge({ factorId: factor.id })).error).toMatchObject({ status: 404, code: 'mfa_factor_not_found' })
  })

  it('unenroll at aal2 removes the factor and lowers the session to aal1; an unverified factor goes at aal1', async () => {
    const sb = await signedIn('mfa5@floe.test')
    const pending = await enrolled(sb, 'pending')
    expect((await sb.auth.mfa.unenroll({ factorId: pending.id })).data).toEqual({ id: pending.id })

    const factor = await enrolled(sb, 'kept')
    expect((await sb.auth.mfa.challengeAndVerify({ factorId: factor.id, code: totpNow(factor.totp.secret) })).error).toBeNull()
    const gone = await sb.auth.mfa.unenroll({ factorId: factor.id })
    expect(gone.error).toBeNull()
    expect(gone.data).toEqual({ id: factor.id })
    expect((await sb.auth.mfa.listFactors()).data?.all).toEqual([])
    const refreshed = await sb.auth.refreshSession()
    expect(refreshed.error).toBeNull()
    const claims = decodeJwt(refreshed.data.session!.access_token)
    expect(claims.aal).toBe('aal1')
    expect((claims.amr as { method: string }[]).map((e) => e.method)).toEqual(['password'])
  })

  it('verifying signs out the sessions still at aal1 and drops other unverified factors', async () => {
    const sb = await signedIn('mfa6@floe.test')
    const other = supabaseClient(floe)
    expect((await other.auth.signInWithPassword({ email: 'mfa6@floe.test', password: PASSWORD })).error).toBeNull()
    await enrolled(sb, 'abandoned')
    const factor = await enrolled(sb, 'used')
    expect((await sb.auth.mfa.challengeAndVerify({ factorId: factor.id, code: totpNow(factor.totp.secret) })).error).toBeNull()
    expect((await sb.auth.mfa.listFactors()).data?.all.map((f) => f.friendly_name)).toEqual(['used'])
    const stale = await other.auth.refreshSession()
    expect(stale.error).toMatchObject({ status: 400 })
  })

  it('guessing codes runs into the auth limit per IP (429 over_request_rate_limit)', async () => {
    const limited = await buildTestApp(t, { AUTH_REQUIRE_EMAIL_VERIFICATION: 'false', AUTH_RATE_LIMIT_PER_IP: '5', AUTH_RATE_LIMIT_PER_EMAIL: '0' })
    try {
      const sb = supabaseClient(limited)
      expect((await sb.auth.signUp({ email: 'mfa-guess@floe.test', password: PASSWORD })).error).toBeNull() // 1
      const factor = (await sb.auth.mfa.enroll({ factorType: 'totp' })).data!
      const challenge = (await sb.auth.mfa.challenge({ factorId: factor.id })).data! // 2
      const codes: (string | undefined)[] = []
      for (let i = 0; i < 4; i++) {
        const r = await sb.auth.mfa.verify({ factorId: factor.id, challengeId: challenge.id, code: wrongCode(factor.totp.secret) }) // 3..6
        codes.push(r.error?.code)
      }
      expect(codes).toEqual(['mfa_verification_failed', 'mfa_verification_failed', 'mfa_verification_failed', 'over_request_rate_limit'])
    } finally {
      await limited.close()
    }
  })

  it('refuses bad input in GoTrue shape: names, types, anonymous users, no token, malformed ids, bodies', async () => {
    const sb = await signedIn('mfa7@floe.test')
    await enrolled(sb, 'same')
    const dup = await sb.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'same' })
    expect(dup.error).toMatchObject({ status: 422, code: 'mfa_factor_name_conflict' })
    const phone = await sb.auth.mfa.enroll({ factorType: 'phone', phone: '+15555550100' })
    expect(phone.error).toMatchObject({ status: 422, code: 'mfa_phone_enroll_not_enabled' })

    const anon = supabaseClient(floe)
    expect((await anon.auth.signInAnonymously()).error).toBeNull()
    expect((await anon.auth.mfa.enroll({ factorType: 'totp' })).error).toMatchObject({ status: 403, code: 'no_authorization' })

    const token = await accessToken(sb)
    const call = (path: string, body: unknown, bearer: string | null) =>
      floe.http(`http://floe.test/auth/v1${path}`, {
        method: 'POST',
        headers: { ...floe.anon, 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
    const factorId = (await sb.auth.mfa.listFactors()).data!.all[0]!.id
    const cases: [string, unknown, string | null, number, string][] = [
      ['/factors', { factor_type: 'totp', friendly_name: 'x' }, null, 401, 'no_authorization'],
      ['/factors', {}, token, 400, 'validation_failed'],
      ['/factors', { factor_type: 'sms' }, token, 400, 'validation_failed'],
      ['/factors', { factor_type: 'totp', friendly_name: 'x'.repeat(201) }, token, 400, 'validation_failed'],
      ['/factors', '{"factor_type":', token, 400, 'bad_json'], // as GoTrue answers a body that is not JSON
      ['/factors', { factor_type: 'totp', friendly_name: 'y'.repeat(1_000_000) }, token, 400, 'validation_failed'],
      ['/factors', { factor_type: 'totp', friendly_name: 'y'.repeat(1024 * 1024) }, token, 413, 'request_too_large'],
      ['/factors/not-a-uuid/challenge', {}, token, 400, 'validation_failed'],
      [`/factors/${factorId}/verify`, { code: '123456' }, token, 400, 'validation_failed'],
      [`/factors/${factorId}/verify`, { challenge_id: 'nope', code: '123456' }, token, 400, 'validation_failed'],
      [`/factors/${factorId}/verify`, { challenge_id: crypto.randomUUID(), code: '' }, token, 400, 'validation_failed'],
    ]
    for (const [path, body, bearer, status, code] of cases) {
      const res = await call(path, body, bearer)
      const got = (await res.json()) as Record<string, unknown>
      expect({ path, status: res.status, code: got.code }).toEqual({ path, status, code })
      expect(got).toMatchObject({ error_code: code, msg: expect.any(String), message: expect.any(String) })
    }
  })
})

describe('an admin with a second factor', () => {
  it('uses /admin/v1 (and X-Floe-Role) from an aal2 session only', async () => {
    const sb = await signedIn('mfa-admin@floe.test')
    const factor = await enrolled(sb)
    const challenge = await sb.auth.mfa.challenge({ factorId: factor.id })
    expect((await sb.auth.mfa.verify({ factorId: factor.id, challengeId: challenge.data!.id, code: totpNow(factor.totp.secret) })).error).toBeNull()
    await sql`update auth.users set role = 'admin' where email = 'mfa-admin@floe.test'`.execute(floe.database.db)

    // A fresh sign-in with the password alone is aal1: the admin API refuses it, naming why.
    const again = supabaseClient(floe)
    expect((await again.auth.signInWithPassword({ email: 'mfa-admin@floe.test', password: PASSWORD })).error).toBeNull()
    const aal1 = { apikey: floe.anon.apikey!, authorization: `Bearer ${await accessToken(again)}` }
    const refused = await floe.app.request('/admin/v1/rules/warnings', { headers: aal1 })
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { hint: string }).hint).toMatch(/aal2/)
    expect((await floe.app.request('/rest/v1/', { headers: { ...aal1, 'x-floe-role': 'service_role' } })).status).toBe(403)

    // After the TOTP challenge in that session: aal2, accepted.
    const c2 = await again.auth.mfa.challenge({ factorId: factor.id })
    expect((await again.auth.mfa.verify({ factorId: factor.id, challengeId: c2.data!.id, code: totpNow(factor.totp.secret) })).error).toBeNull()
    const aal2 = { apikey: floe.anon.apikey!, authorization: `Bearer ${await accessToken(again)}` }
    expect((await floe.app.request('/admin/v1/rules/warnings', { headers: aal2 })).status).toBe(200)
  })
})
