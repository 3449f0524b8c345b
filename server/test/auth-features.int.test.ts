/**
 * The better-auth plugins and settings Floe enables, each seen through /auth/v1: magic link,
 * anonymous sign-in, TOTP two-factor, OAuth providers from env, change password / email,
 * sign-up closed, verification off; and `auth.users` from SQL (foreign keys, own-row reads,
 * the outbox hidden from request roles).
 */
import { createHmac } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { bodyOf, expectError, expectGoTrueError, linkFromOutbox, openLink, post, signIn, signUpVerified, type SignedIn } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'

const PASSWORD = 'correct horse battery staple 1'
const apps: TestApp[] = []
const dbs: TestDatabase[] = []

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestDatabase()
  dbs.push(t)
  const floe = await buildTestApp(t, env)
  apps.push(floe)
  floe.app.get('/test/sql', async (c) => {
    const rows = await floe.withRequestRole(c.var.identity!, async (trx) => {
      const q = c.req.query('q')
      if (q === 'users') return (await sql`select id, email from auth.users order by email`.execute(trx)).rows
      if (q === 'outbox') return (await sql`select count(*)::int as n from auth.outbox`.execute(trx)).rows
      return (await sql`select auth.uid()::text as uid, auth.jwt() ->> 'is_anonymous' as is_anonymous`.execute(trx)).rows
    })
    return c.json(rows)
  })
  return floe
}

const bearer = (floe: TestApp, s: SignedIn) => ({ ...floe.anon, authorization: `Bearer ${s.access_token}` })

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) from the otpauth:// URI's base32 secret. */
function totp(uri: string, at = Date.now()): string {
  const secret = new URL(uri).searchParams.get('secret')!
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0')
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)))
  const h = createHmac('sha1', key).update(counter).digest()
  const offset = h[h.length - 1]! & 0xf
  return String((h.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

function cookiesOf(res: Response): string {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}

let floe: TestApp
beforeAll(async () => {
  floe = await app({ AUTH_ANONYMOUS_ENABLED: 'true', AUTH_GITHUB_CLIENT_ID: 'gh-client-id', AUTH_GITHUB_CLIENT_SECRET: 'gh-client-secret' })
})
afterAll(async () => {
  for (const a of apps) await a.close()
  for (const d of dbs) await d.drop()
})

describe('magic link', () => {
  it('emails a link that signs in; the session cookie is exchanged for an access token', async () => {
    const email = 'magic@floe.test'
    const res = await post(floe, '/auth/v1/sign-in/magic-link', { email, callbackURL: '/welcome' })
    expect(res.status).toBe(200)
    const link = await linkFromOutbox(floe, email, 'magic-link')
    const opened = await openLink(floe, link)
    expect(opened.status).toBe(302)
    expect(opened.headers.get('location')).toContain('/welcome')

    const exchanged = await floe.app.request('/auth/v1/token?grant_type=refresh_token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookiesOf(opened) },
      body: '{}',
    })
    expect(exchanged.status).toBe(200)
    const s = await bodyOf<SignedIn>(exchanged)
    expect(s.user.email).toBe(email)
    expect(await (await floe.app.request('/test/sql', { headers: bearer(floe, s) })).json()).toEqual([{ uid: s.user.id, is_anonymous: 'false' }])
  })
})

describe('anonymous sign-in', () => {
  it('gives an anonymous user an access token with is_anonymous', async () => {
    const res = await post(floe, '/auth/v1/sign-in/anonymous', {})
    expect(res.status).toBe(200)
    const s = await bodyOf<SignedIn>(res)
    expect(s.access_token).toBeTruthy()
    expect(await (await floe.app.request('/test/sql', { headers: bearer(floe, s) })).json()).toEqual([{ uid: s.user.id, is_anonymous: 'true' }])
  })

  it('upgrades to a full account: signing in while anonymous replaces the anonymous user', async () => {
    const anon = await bodyOf<SignedIn>(await post(floe, '/auth/v1/sign-in/anonymous', {}))
    await signUpVerified(floe, 'upgraded@floe.test', PASSWORD)
    const res = await post(floe, '/auth/v1/sign-in/email', { email: 'upgraded@floe.test', password: PASSWORD }, { authorization: `Bearer ${anon.access_token}` })
    expect(res.status).toBe(200)
    const full = await bodyOf<SignedIn>(res)
    expect(full.user.id).not.toBe(anon.user.id)
    const left = await sql`select id from auth.users where id = ${anon.user.id}`.execute(floe.database.db)
    expect(left.rows).toEqual([])
  })

  it('is refused when AUTH_ANONYMOUS_ENABLED is off (the default)', async () => {
    const plain = await app()
    const res = await post(plain, '/auth/v1/sign-in/anonymous', {})
    await expectError(res, 404)
  })
})

describe('TOTP two-factor', () => {
  it('enables TOTP, then sign-in needs the code before it issues tokens', async () => {
    const email = 'totp@floe.test'
    await signUpVerified(floe, email, PASSWORD)
    const s = await signIn(floe, email, PASSWORD)
    const enable = await post(floe, '/auth/v1/two-factor/enable', { password: PASSWORD }, { authorization: `Bearer ${s.access_token}` })
    expect(enable.status).toBe(200)
    const { totpURI } = await bodyOf<{ totpURI: string; backupCodes: string[] }>(enable)
    const confirm = await post(floe, '/auth/v1/two-factor/verify-totp', { code: totp(totpURI) }, { authorization: `Bearer ${s.access_token}` })
    expect(confirm.status).toBe(200)

    const first = await post(floe, '/auth/v1/sign-in/email', { email, password: PASSWORD })
    expect(first.status).toBe(200)
    const pending = await bodyOf<Record<string, unknown>>(first)
    expect(pending.twoFactorRedirect).toBe(true)
    expect(pending.access_token).toBeUndefined()

    // A browser carrying the two-factor cookie sends its Origin (without one, the cookie is refused: 403).
    const browser = { cookie: cookiesOf(first), origin: new URL(floe.config.publicUrl).origin }
    await expectError(await post(floe, '/auth/v1/two-factor/verify-totp', { code: '000000' }, { cookie: cookiesOf(first) }), 403, 'MISSING_OR_NULL_ORIGIN')
    const wrong = await post(floe, '/auth/v1/two-factor/verify-totp', { code: '000000' }, browser)
    await expectError(wrong, 401)
    const verified = await post(floe, '/auth/v1/two-factor/verify-totp', { code: totp(totpURI, Date.now() + 30_000) }, browser)
    expect(verified.status).toBe(200)
    expect((await bodyOf<SignedIn>(verified)).access_token).toBeTruthy()

    // GoTrue's doors cannot ask for this code, so they give no session: no way around the second factor.
    const viaGoTrue = await post(floe, '/auth/v1/token?grant_type=password', { email, password: PASSWORD })
    await expectGoTrueError(viaGoTrue, 403, 'insufficient_aal')
    expect((await post(floe, '/auth/v1/otp', { email })).status).toBe(200)
    const code = /code: (\d{6})/.exec((await sql<{ text_body: string }>`select text_body from auth.outbox where to_address = ${email}
                                         order by id desc limit 1`.execute(floe.database.db)).rows[0]!.text_body)![1]
    await expectGoTrueError(await post(floe, '/auth/v1/verify', { type: 'email', email, token: code }), 403, 'insufficient_aal')
  })
})

describe('OAuth providers from env', () => {
  it('starts a GitHub sign-in with the configured client id', async () => {
    const res = await post(floe, '/auth/v1/sign-in/social', { provider: 'github', callbackURL: '/' })
    expect(res.status).toBe(200)
    const { url } = await bodyOf<{ url: string }>(res)
    expect(new URL(url).host).toBe('github.com')
    expect(new URL(url).searchParams.get('client_id')).toBe('gh-client-id')
    expect(new URL(url).searchParams.get('redirect_uri')).toBe('http://localhost:54321/auth/v1/callback/github')
  })

  it('refuses a provider that is not configured', async () => {
    await expectError(await post(floe, '/auth/v1/sign-in/social', { provider: 'google', callbackURL: '/' }), 404)
  })
})

describe('change password and email', () => {
  it('changes the password with the current one, via the access token', async () => {
    const email = 'change@floe.test'
    await signUpVerified(floe, email, PASSWORD)
    const s = await signIn(floe, email, PASSWORD)
    const bad = await post(floe, '/auth/v1/change-password', { currentPassword: 'not it at all 123', newPassword: 'next password 456' }, { authorization: `Bearer ${s.access_token}` })
    await expectError(bad, 400, 'INVALID_PASSWORD')
    const ok = await post(floe, '/auth/v1/change-password', { currentPassword: PASSWORD, newPassword: 'next password 456' }, { authorization: `Bearer ${s.access_token}` })
    expect(ok.status).toBe(200)
    await signIn(floe, email, 'next password 456')
  })

  it('changes the email after confirmation mails', async () => {
    const email = 'old@floe.test'
    await signUpVerified(floe, email, PASSWORD)
    const s = await signIn(floe, email, PASSWORD)
    const res = await post(floe, '/auth/v1/change-email', { newEmail: 'new@floe.test', callbackURL: '/' }, { authorization: `Bearer ${s.access_token}` })
    expect(res.status).toBe(200)
    const sent = await sql<{ kind: string; to_address: string }>`select kind, to_address from auth.outbox where to_address in ('old@floe.test', 'new@floe.test') order by id`.execute(floe.database.db)
    expect(sent.rows.map((r) => `${r.kind}:${r.to_address}`)).toContain('change-email:old@floe.test')
  })
})

describe('admin plugin', () => {
  it('lists and creates users, sets a role, and revokes sessions (refresh refused after)', async () => {
    await signUpVerified(floe, 'boss@floe.test', PASSWORD)
    await sql`update auth.users set role = 'admin' where email = 'boss@floe.test'`.execute(floe.database.db)
    const boss = await signIn(floe, 'boss@floe.test', PASSWORD)
    const as = { authorization: `Bearer ${boss.access_token}` }

    const created = await post(floe, '/auth/v1/admin/create-user', { email: 'made@floe.test', password: PASSWORD, name: 'Made', role: 'user' }, as)
    expect(created.status).toBe(200)
    const { user } = await bodyOf<{ user: { id: string } }>(created)
    const list = await floe.app.request('/auth/v1/admin/list-users?searchValue=made@floe.test&searchField=email', { headers: { ...floe.anon, ...as } })
    expect(list.status).toBe(200)
    expect((await bodyOf<{ users: { id: string }[] }>(list)).users.map((u) => u.id)).toEqual([user.id])
    expect((await post(floe, '/auth/v1/admin/set-role', { userId: user.id, role: 'admin' }, as)).status).toBe(200)

    await sql`update auth.users set email_verified = true where id = ${user.id}`.execute(floe.database.db)
    const made = await signIn(floe, 'made@floe.test', PASSWORD)
    expect((await post(floe, '/auth/v1/admin/revoke-user-sessions', { userId: user.id }, as)).status).toBe(200)
    const refreshed = await floe.app.request('/auth/v1/token?grant_type=refresh_token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: made.refresh_token }),
    })
    await expectGoTrueError(refreshed, 400, 'refresh_token_not_found')
  })
})

describe('settings', () => {
  it('AUTH_SIGNUP_ENABLED=false closes sign-up', async () => {
    const closed = await app({ AUTH_SIGNUP_ENABLED: 'false', AUTH_ANONYMOUS_ENABLED: 'true' })
    await expectError(await post(closed, '/auth/v1/sign-up/email', { email: 'x@floe.test', password: PASSWORD, name: 'x' }), 400, 'EMAIL_PASSWORD_SIGN_UP_DISABLED')
    await expectError(await post(closed, '/auth/v1/sign-in/anonymous', {}), 404)
    // A magic link to an unknown address creates no account either.
    expect((await post(closed, '/auth/v1/sign-in/magic-link', { email: 'new@floe.test', callbackURL: '/' })).status).toBe(200)
    const opened = await openLink(closed, await linkFromOutbox(closed, 'new@floe.test', 'magic-link'))
    expect(opened.headers.get('location')).toContain('error=')
    expect((await sql`select 1 from auth.users where email = 'new@floe.test'`.execute(closed.database.db)).rows).toEqual([])
  })

  it('AUTH_REQUIRE_EMAIL_VERIFICATION=false lets a new user sign in at once', async () => {
    const open = await app({ AUTH_REQUIRE_EMAIL_VERIFICATION: 'false' })
    expect((await post(open, '/auth/v1/sign-up/email', { email: 'now@floe.test', password: PASSWORD, name: 'n' })).status).toBe(200)
    await signIn(open, 'now@floe.test', PASSWORD)
  })
})

describe('auth.users from SQL', () => {
  it('app tables reference auth.users (id); deleting the user cascades', async () => {
    await signUpVerified(floe, 'owner@floe.test', PASSWORD)
    const db = floe.database.db
    await sql`create table public.notes (id serial primary key, owner_id uuid not null references auth.users (id) on delete cascade, body text)`.execute(db)
    const { rows } = await sql<{ id: string }>`select id from auth.users where email = 'owner@floe.test'`.execute(db)
    await sql`insert into public.notes (owner_id, body) values (${rows[0]!.id}, 'hello')`.execute(db)
    await expect(sql`insert into public.notes (owner_id, body) values (gen_random_uuid(), 'orphan')`.execute(db)).rejects.toThrow(/foreign key/)
    await sql`delete from auth.users where id = ${rows[0]!.id}`.execute(db)
    expect((await sql`select * from public.notes`.execute(db)).rows).toEqual([])
  })

  it('a signed-in user reads only their own row; anon reads none; the outbox is for the service role only', async () => {
    await signUpVerified(floe, 'reader@floe.test', PASSWORD)
    const s = await signIn(floe, 'reader@floe.test', PASSWORD)
    const own = await floe.app.request('/test/sql?q=users', { headers: bearer(floe, s) })
    expect(await own.json()).toEqual([{ id: s.user.id, email: 'reader@floe.test' }])
    expect((await floe.app.request('/test/sql?q=users', { headers: floe.anon })).status).toBe(401)
    expect((await floe.app.request('/test/sql?q=outbox', { headers: bearer(floe, s) })).status).toBe(403)
    const service = await floe.app.request('/test/sql?q=outbox', { headers: floe.service })
    expect(service.status).toBe(200)
  })
})
