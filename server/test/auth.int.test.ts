/**
 * Issue 5 acceptance, end to end against real Postgres: sign up, verify (link read from the dev
 * outbox), sign in, use the access token in SQL, refresh, sign out, reset password, ban → refresh
 * refused; generic answers that do not reveal whether an email exists; and the whole flow's log
 * stream searched for every password, token and key it handled.
 */
import { sql } from 'kysely'
import pg from 'pg'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { bodyOf, expectError, expectGoTrueError, linkFromOutbox, openLink, outboxCount, post, signIn, signUpVerified, type SignedIn } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'

let t: TestDatabase
let floe: TestApp
const logLines: string[] = []
/** Every secret the flow handles; none may appear in the log stream. */
const secrets = new Set<string>([TEST_ANON_KEY, TEST_SERVICE_KEY, TEST_JWT_SECRET])

const PASSWORD = 'correct horse battery staple 1'
const NEW_PASSWORD = 'a much better passphrase 22'

function remember(...values: (string | null | undefined)[]) {
  for (const v of values) if (v) secrets.add(v)
}

/** One-time email link tokens: the development outbox (no SMTP) prints them, by design. */
const emailTokens = new Set<string>()
function rememberEmailToken(value: string | null) {
  if (value) emailTokens.add(value)
}

async function uidWith(accessToken: string): Promise<Response> {
  return floe.app.request('/test/uid', { headers: { ...floe.anon, authorization: `Bearer ${accessToken}` } })
}

async function refresh(refreshToken: string): Promise<Response> {
  return floe.app.request('/auth/v1/token?grant_type=refresh_token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  })
}

beforeAll(async () => {
  t = await createTestDatabase()
  // An app table owned by users, with an owner-only rule, for the data API part of the flow.
  const setup = new pg.Client({ connectionString: t.url })
  await setup.connect()
  await setup.query(`
    create table public.todos (
      id       bigint generated always as identity primary key,
      owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
      title    text not null
    );
    alter table public.todos enable row level security;
    create policy todos_owner on public.todos for all to authenticated
      using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));`)
  await setup.end()
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'))
      done()
    },
  })
  floe = await buildTestApp(t, { LOG_LEVEL: 'trace', AUTH_REQUIRE_EMAIL_VERIFICATION: 'true' }, { logDestination: destination })
  // Until the data API route is used here: SQL inside withRequestRole, as every module runs it.
  floe.app.get('/test/uid', async (c) => {
    const row = await floe.withRequestRole(c.var.identity!, async (trx) => {
      const r = await sql<{ uid: string | null; role: string | null; email: string | null }>`
        select auth.uid()::text as uid, auth.role() as role, (select email from auth.users where id = auth.uid()) as email`.execute(trx)
      return r.rows[0]!
    })
    return c.json(row)
  })
})

afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('auth flow', () => {
  const email = 'alice@floe.test'
  let session: SignedIn

  it('signs up without signing in, and refuses sign-in until the email is verified', async () => {
    remember(PASSWORD, NEW_PASSWORD)
    const res = await post(floe, '/auth/v1/sign-up/email', { email, password: PASSWORD, name: 'Alice' })
    expect(res.status).toBe(200)
    const body = await bodyOf<{ token: string | null; user: { id: string; email: string } }>(res)
    expect(body.token).toBeNull()
    expect(body.user.email).toBe(email)

    const early = await post(floe, '/auth/v1/sign-in/email', { email, password: PASSWORD })
    await expectError(early, 403, 'EMAIL_NOT_VERIFIED')
  })

  it('verifies the email with the link from the dev outbox', async () => {
    const link = await linkFromOutbox(floe, email, 'verify-email')
    rememberEmailToken(link.searchParams.get('token'))
    expect(link.pathname).toBe('/auth/v1/verify-email')
    const res = await openLink(floe, link)
    expect(res.status).toBeLessThan(400)
    const r = await sql<{ email_verified: boolean; id: string }>`select id, email_verified from auth.users where email = ${email}`.execute(floe.database.db)
    expect(r.rows[0]?.email_verified).toBe(true)
    expect(r.rows[0]?.id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('signs in and gets an access token that auth.uid() reads inside SQL', async () => {
    const res = await post(floe, '/auth/v1/sign-in/email', { email, password: PASSWORD })
    expect(res.status).toBe(200)
    session = await bodyOf<SignedIn & { token_type: string; expires_in: number }>(res)
    remember(session.access_token, session.refresh_token, res.headers.get('set-auth-token'), res.headers.get('set-cookie'))
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600, user: { email } })

    const seen = await uidWith(session.access_token)
    expect(seen.status).toBe(200)
    expect(await seen.json()).toEqual({ uid: session.user.id, role: 'authenticated', email })
  })

  it('calls /rest/v1 with the access token: rows are the user\'s own, by the owner rule', async () => {
    const headers = { ...floe.anon, authorization: `Bearer ${session.access_token}`, 'content-type': 'application/json' }
    const created = await floe.app.request('/rest/v1/todos', {
      method: 'POST',
      headers: { ...headers, prefer: 'return=representation' },
      body: JSON.stringify({ title: 'write the auth tests' }),
    })
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual([{ id: 1, owner_id: session.user.id, title: 'write the auth tests' }])
    const mine = await floe.app.request('/rest/v1/todos?select=title', { headers })
    expect(await mine.json()).toEqual([{ title: 'write the auth tests' }])
    const anon = await floe.app.request('/rest/v1/todos', { headers: floe.anon })
    expect(await anon.json()).toEqual([])
  })

  it('uses the access token at better-auth routes too (get-session)', async () => {
    const res = await floe.app.request('/auth/v1/get-session', { headers: { ...floe.anon, authorization: `Bearer ${session.access_token}` } })
    expect(res.status).toBe(200)
    expect(await bodyOf<{ user: { id: string } }>(res)).toMatchObject({ user: { id: session.user.id } })
  })

  it('refreshes from the session', async () => {
    const res = await refresh(session.refresh_token)
    expect(res.status).toBe(200)
    const next = await bodyOf<SignedIn>(res)
    remember(next.access_token)
    expect(next.user.id).toBe(session.user.id)
    expect((await uidWith(next.access_token)).status).toBe(200)
  })

  it('signs out: the refresh token stops working at once', async () => {
    const res = await floe.app.request('/auth/v1/sign-out', { method: 'POST', headers: { ...floe.anon, authorization: `Bearer ${session.access_token}`, 'content-type': 'application/json' }, body: '{}' })
    expect(res.status).toBe(200)
    await expectGoTrueError(await refresh(session.refresh_token), 400, 'refresh_token_not_found')
  })

  it('resets the password with the emailed link; the old password stops working', async () => {
    const res = await post(floe, '/auth/v1/request-password-reset', { email, redirectTo: 'http://localhost:54321/reset' })
    expect(res.status).toBe(200)
    const link = await linkFromOutbox(floe, email, 'reset-password')
    const opened = await openLink(floe, link)
    expect(opened.status).toBe(302)
    const token = new URL(opened.headers.get('location')!, 'http://x').searchParams.get('token')
    // The same one-time token as the emailed link's (printed by the dev outbox).
    rememberEmailToken(token)
    rememberEmailToken(link.searchParams.get('token'))
    expect(link.pathname).toBe('/auth/v1/reset-password')
    expect(token).toBeTruthy()

    const reset = await post(floe, '/auth/v1/reset-password', { token, newPassword: NEW_PASSWORD })
    expect(reset.status).toBe(200)
    await expectError(await post(floe, '/auth/v1/sign-in/email', { email, password: PASSWORD }), 401, 'INVALID_EMAIL_OR_PASSWORD')
    session = await signIn(floe, email, NEW_PASSWORD)
    remember(session.access_token, session.refresh_token)
  })

  it('bans a user (admin plugin): their next refresh is refused, and so is sign-in', async () => {
    const adminEmail = 'admin@floe.test'
    await signUpVerified(floe, adminEmail, PASSWORD)
    await sql`update auth.users set role = 'admin' where email = ${adminEmail}`.execute(floe.database.db)
    const admin = await signIn(floe, adminEmail, PASSWORD)
    remember(admin.access_token, admin.refresh_token)

    const ban = await post(floe, '/auth/v1/admin/ban-user', { userId: session.user.id }, { authorization: `Bearer ${admin.access_token}` })
    expect(ban.status).toBe(200)
    await expectGoTrueError(await refresh(session.refresh_token), 400, 'refresh_token_not_found')
    await expectError(await post(floe, '/auth/v1/sign-in/email', { email, password: NEW_PASSWORD }), 403, 'BANNED_USER')

    // A non-admin cannot ban.
    const other = await post(floe, '/auth/v1/admin/ban-user', { userId: admin.user.id }, { authorization: `Bearer ${session.access_token}` })
    expect(other.status).toBeGreaterThanOrEqual(400)
  })

  it('deleting a user (admin) refuses their refresh too', async () => {
    const bobEmail = 'bob@floe.test'
    await signUpVerified(floe, bobEmail, PASSWORD)
    const bob = await signIn(floe, bobEmail, PASSWORD)
    remember(bob.access_token, bob.refresh_token)
    const admin = await signIn(floe, 'admin@floe.test', PASSWORD)
    remember(admin.access_token, admin.refresh_token)
    const removed = await post(floe, '/auth/v1/admin/remove-user', { userId: bob.user.id }, { authorization: `Bearer ${admin.access_token}` })
    expect(removed.status).toBe(200)
    await expectGoTrueError(await refresh(bob.refresh_token), 400, 'refresh_token_not_found')
  })
})

describe('answers that do not reveal whether an email exists', () => {
  it('sign-up with a taken email looks like a new sign-up, and sends no second verification', async () => {
    const email = 'taken@floe.test'
    const first = await post(floe, '/auth/v1/sign-up/email', { email, password: PASSWORD, name: 'T' })
    const second = await post(floe, '/auth/v1/sign-up/email', { email, password: 'another password 123', name: 'T' })
    expect([first.status, second.status]).toEqual([200, 200])
    const [a, b] = [await bodyOf<{ token: null; user: Record<string, unknown> }>(first), await bodyOf<{ token: null; user: Record<string, unknown> }>(second)]
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort())
    expect(Object.keys(b.user).sort()).toEqual(Object.keys(a.user).sort())
    expect(await outboxCount(floe, email, 'verify-email')).toBe(1)
  })

  it('sign-in with an unknown email and with a wrong password answer alike', async () => {
    const unknown = await post(floe, '/auth/v1/sign-in/email', { email: 'nobody@floe.test', password: PASSWORD })
    const wrong = await post(floe, '/auth/v1/sign-in/email', { email: 'taken@floe.test', password: 'wrong password 000' })
    expect(unknown.status).toBe(wrong.status)
    expect(await unknown.json()).toEqual(await wrong.json())
  })

  it('password reset answers the same for unknown and known emails', async () => {
    const known = await post(floe, '/auth/v1/request-password-reset', { email: 'taken@floe.test' })
    const unknown = await post(floe, '/auth/v1/request-password-reset', { email: 'nobody@floe.test' })
    expect([known.status, unknown.status]).toEqual([200, 200])
    expect(await unknown.json()).toEqual(await known.json())
  })
})

describe('bad input', () => {
  it.each([
    ['refresh without a token', '/auth/v1/token?grant_type=refresh_token', {}, 400, 'validation_failed'],
    ['an unsupported grant type', '/auth/v1/token?grant_type=client_credentials', { refresh_token: 'x' }, 400, 'validation_failed'],
    ['no grant type', '/auth/v1/token', { refresh_token: 'x' }, 400, 'validation_failed'],
    ['password grant without a password', '/auth/v1/token?grant_type=password', { email: 'x@floe.test' }, 400, 'validation_failed'],
    ['refresh with a made-up token', '/auth/v1/token?grant_type=refresh_token', { refresh_token: 'made-up' }, 400, 'refresh_token_not_found'],
    ['pkce with an unknown code', '/auth/v1/token?grant_type=pkce', { auth_code: 'nope', code_verifier: 'v'.repeat(43) }, 404, 'flow_state_not_found'],
    ['sign-up with a malformed email', '/auth/v1/signup', { email: 'not-an-email', password: PASSWORD }, 400, 'email_address_invalid'],
    ['sign-up with a short password', '/auth/v1/signup', { email: 'short@floe.test', password: 'short' }, 422, 'weak_password'],
    ['sign-up with an email and no password', '/auth/v1/signup', { email: 'nopw@floe.test' }, 400, 'validation_failed'],
    ['sign-up with metadata that is not an object', '/auth/v1/signup', { email: 'm@floe.test', password: PASSWORD, data: 'x' }, 400, 'validation_failed'],
    ['verify with neither code nor hash', '/auth/v1/verify', { type: 'signup', email: 'x@floe.test' }, 400, 'validation_failed'],
    ['verify with a wrong code', '/auth/v1/verify', { type: 'signup', email: 'x@floe.test', token: '123456' }, 403, 'otp_expired'],
    ['verify with an unknown type', '/auth/v1/verify', { type: 'sms', email: 'x@floe.test', token: '123456' }, 400, 'validation_failed'],
    ['otp without an email', '/auth/v1/otp', {}, 400, 'validation_failed'],
    ['recover with a malformed email', '/auth/v1/recover', { email: 'nope' }, 400, 'email_address_invalid'],
    ['resend of an unknown type', '/auth/v1/resend', { type: 'phone_change', email: 'x@floe.test' }, 400, 'validation_failed'],
    ['logout without a user token', '/auth/v1/logout', {}, 401, 'no_authorization'],
  ])('GoTrue %s: %s %o → %i %s', async (_name, path, body, status, code) => {
    await expectGoTrueError(await post(floe, path, body), status, code)
  })

  it('GoTrue routes answer bad JSON and oversized bodies in GoTrue\'s shape, never a 500', async () => {
    const bad = await floe.app.request('/auth/v1/signup', { method: 'POST', headers: { ...floe.anon, 'content-type': 'application/json' }, body: '{"email":' })
    expect(bad.status).toBe(400)
    await expectGoTrueError(bad, 400, 'bad_json')
    const huge = { email: 'huge@floe.test', password: PASSWORD, data: { blob: 'x'.repeat(1024 * 1024) } }
    await expectGoTrueError(await post(floe, '/auth/v1/signup', huge), 413, 'request_too_large')
    const big = { email: 'big@floe.test', password: PASSWORD, data: { blob: 'x'.repeat(20_000) } }
    await expectGoTrueError(await post(floe, '/auth/v1/signup', big), 400, 'validation_failed')
    await expectGoTrueError(await floe.app.request('/auth/v1/user', { headers: floe.anon }), 401, 'no_authorization')
  })

  it.each([
    ['sign-up without a password', '/auth/v1/sign-up/email', { email: 'x@floe.test', name: 'x' }, 400],
    ['sign-up with a short password', '/auth/v1/sign-up/email', { email: 'x@floe.test', password: 'short', name: 'x' }, 400],
    ['sign-up with a malformed email', '/auth/v1/sign-up/email', { email: 'not-an-email', password: PASSWORD, name: 'x' }, 400],
    ['sign-in with no body fields', '/auth/v1/sign-in/email', {}, 400],
    ['reset with a made-up token', '/auth/v1/reset-password', { token: 'nope', newPassword: NEW_PASSWORD }, 400],
    ['an unknown auth route', '/auth/v1/no-such-thing', {}, 404],
  ])('%s: %s %o → %i in the shared error shape', async (_name, path, body, status) => {
    await expectError(await post(floe, path, body), status)
  })

  it('a session route without a session → 401 in the shared shape', async () => {
    await expectError(await floe.app.request('/auth/v1/list-sessions', { headers: floe.anon }), 401)
  })

  it('auth routes still need the apikey, except links opened from emails and the refresh', async () => {
    await expectError(await floe.app.request('/auth/v1/get-session'), 401, 'API_KEY_MISSING')
  })
})

describe('logs', () => {
  it('never contain a password, token or key handled during the flows above', () => {
    const log = logLines.join('')
    expect(logLines.length).toBeGreaterThan(20)
    expect(log).toContain('auth email sent')
    const leaked = [...secrets].filter((s) => s.length >= 8 && log.includes(s))
    expect(leaked).toEqual([])
    // Without SMTP, each email's link is printed so a developer can follow it from the terminal.
    expect(emailTokens.size).toBeGreaterThan(0)
    for (const token of emailTokens) expect(log).toContain(token)
  })
})
