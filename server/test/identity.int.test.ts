import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKeyVerifier, ensureInstanceSecrets, rotateKey, signJwt } from '../src/auth/index.js'
import { buildTestApp, TEST_JWT_SECRET, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'

let t: TestDatabase
let floe: TestApp

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t)
  floe.app.get('/test/whoami', (c) => c.json(c.var.identity ?? null))
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

async function call(headers: Record<string, string>) {
  const res = await floe.app.request('/test/whoami', { headers })
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, res }
}

describe('identity', () => {
  it('runs the anon key as anon and the service key as service_role', async () => {
    expect((await call(floe.anon)).body).toEqual({ role: 'anon', claims: { role: 'anon' }, via: 'anon-key' })
    expect((await call(floe.service)).body).toMatchObject({ role: 'service_role', via: 'service-key' })
    expect((await call({ authorization: `Bearer ${floe.service.apikey}` })).body).toMatchObject({ role: 'service_role' })
  })

  it('answers 401 JSON for a missing or wrong key', async () => {
    const missing = await call({})
    expect(missing.status).toBe(401)
    expect(missing.res.headers.get('content-type')).toMatch(/application\/json/)
    expect(missing.body).toMatchObject({ code: 'API_KEY_MISSING', message: 'No API key found in request' })
    const wrong = await call({ apikey: 'floe_anon_not-the-key' })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toEqual({ code: 'API_KEY_INVALID', message: 'Invalid API key', details: null, hint: expect.any(String) })
  })

  it('runs a valid JWT as its role with its claims', async () => {
    const sub = '6f1d3f4e-4a50-4a39-9d3b-0d9b3e5d1a11'
    const r = await call(await floe.asUser({ sub, email: 'a@floe.test' }))
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ role: 'authenticated', via: 'jwt', claims: { sub, email: 'a@floe.test', role: 'authenticated' } })
  })

  it('treats a JWT without a role claim as anon, as PostgREST does', async () => {
    const token = await signJwt({ sub: 'x' }, floe.jwtKeys)
    expect((await call({ authorization: `Bearer ${token}` })).body).toMatchObject({ role: 'anon', via: 'jwt' })
  })

  it('refuses a forged JWT with 401 and a reason', async () => {
    const forged = await new SignJWT({ role: 'service_role' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the'))
    const r = await call({ ...floe.anon, authorization: `Bearer ${forged}` })
    expect(r.status).toBe(401)
    expect(r.body).toMatchObject({ code: 'JWT_INVALID', details: 'The token signature does not match' })
    expect(r.res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/)
  })

  it('refuses an expired JWT with 401 JWT_EXPIRED', async () => {
    const token = await new SignJWT({ role: 'authenticated', sub: 'u' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET))
    const r = await call({ ...floe.anon, authorization: `Bearer ${token}` })
    expect(r.status).toBe(401)
    expect(r.body).toMatchObject({ code: 'JWT_EXPIRED', message: 'JWT expired' })
  })

  it('refuses alg=none, garbage tokens and roles outside the allowed set', async () => {
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"role":"service_role"}').toString('base64url')}.`
    expect((await call({ authorization: `Bearer ${none}` })).body).toMatchObject({ code: 'JWT_INVALID' })
    expect((await call({ authorization: 'Bearer a.b.c' })).status).toBe(401)
    expect((await call({ authorization: 'Basic abc' })).status).toBe(401)
    const postgres = await signJwt({ role: 'postgres' }, floe.jwtKeys)
    const r = await call({ authorization: `Bearer ${postgres}` })
    expect(r.status).toBe(401)
    expect(r.body).toMatchObject({ code: 'JWT_ROLE_NOT_ALLOWED' })
  })

  // Issue 15 item 8: a bearer that is neither a JWT nor a key of this instance is refused, with or
  // without an apikey (PostgREST answers 401 "Expected 3 parts in JWT; got N", PGRST301), never
  // silently run as the apikey's role.
  it('refuses a malformed bearer sent with a valid apikey, naming the problem', async () => {
    for (const [bearer, parts] of [['abc', 1], ['a.b.c.d', 4], ['ey9zdGdy.y4vZuu1d', 2]] as const) {
      for (const headers of [{ ...floe.anon }, {}]) {
        const r = await call({ ...headers, authorization: `Bearer ${bearer}` })
        expect(r.status, `${bearer} ${JSON.stringify(headers)}`).toBe(401)
        expect(r.body).toMatchObject({ code: 'JWT_INVALID', details: `Expected 3 parts in JWT; got ${parts}` })
        expect(r.res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/)
      }
    }
    const garbage = await call({ ...floe.anon, authorization: 'Bearer %%%garbage%%%' })
    expect(garbage.status).toBe(401)
    // The same through the real server, on the data API's and storage's fast paths.
    for (const path of ['/rest/v1/', '/storage/v1/bucket']) {
      const res = await floe.http(`http://floe.test${path}`, { headers: { ...floe.anon, authorization: 'Bearer abc' } })
      expect(res.status, path).toBe(401)
      expect(await res.json()).toMatchObject({ code: 'JWT_INVALID', details: 'Expected 3 parts in JWT; got 1' })
    }
  })

  it('still takes the anon or service key as the bearer, with or without the apikey header', async () => {
    expect((await call({ authorization: `Bearer ${floe.anon.apikey}` })).body).toMatchObject({ role: 'anon', via: 'anon-key' })
    expect((await call({ ...floe.anon, authorization: `Bearer ${floe.anon.apikey}` })).body).toMatchObject({ role: 'anon' })
    expect((await call({ ...floe.service, authorization: `Bearer ${floe.service.apikey}` })).body).toMatchObject({ role: 'service_role' })
  })

  it('refuses a JWT whose role claim is empty or not a string instead of running it as anon', async () => {
    for (const role of ['', 42, null, ['authenticated']]) {
      const token = await signJwt({ sub: 'u-1', role } as Record<string, unknown>, floe.jwtKeys)
      const r = await call({ ...floe.anon, authorization: `Bearer ${token}` })
      expect(r.status, JSON.stringify(role)).toBe(401)
      expect(r.body).toMatchObject({ code: 'JWT_ROLE_NOT_ALLOWED' })
    }
  })

  it('refuses a wrong apikey even when the JWT is valid', async () => {
    const headers = await floe.asUser({ sub: 'u' })
    expect((await call({ ...headers, apikey: 'wrong-key' })).status).toBe(401)
  })
})

describe('generated API keys', () => {
  it('creates one key of each kind once, verifies them, and rotation retires the old one', async () => {
    const first = await ensureInstanceSecrets(floe.database.withOwner, { jwtSecret: TEST_JWT_SECRET })
    const again = await ensureInstanceSecrets(floe.database.withOwner, { jwtSecret: TEST_JWT_SECRET })
    expect(first.createdKeys.anon).toMatch(/^floe_anon_/)
    expect(first.createdKeys.service).toMatch(/^floe_service_/)
    expect(again.createdKeys).toEqual({})

    const verifier = createApiKeyVerifier(floe.database.db, {}, { missReloadMs: 0 })
    try {
      expect(await verifier.verify(first.createdKeys.anon!)).toEqual({ kind: 'anon', role: 'anon' })
      expect(await verifier.verify(first.createdKeys.service!)).toEqual({ kind: 'service', role: 'service_role' })
      expect(await verifier.verify('floe_service_guess')).toBeUndefined()

      const rotated = await rotateKey(floe.database.withOwner, 'service', TEST_JWT_SECRET)
      await verifier.refresh()
      expect(await verifier.verify(rotated)).toEqual({ kind: 'service', role: 'service_role' })
      expect(await verifier.verify(first.createdKeys.service!)).toBeUndefined()
    } finally {
      verifier.stop()
    }
    // Stored encrypted, never in clear.
    const rows = await floe.database.pool.query<{ key_ciphertext: string }>('select key_ciphertext from floe.api_keys')
    for (const r of rows.rows) expect(r.key_ciphertext).not.toMatch(/floe_(anon|service)_/)
  })
})
