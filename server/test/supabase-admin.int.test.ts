/**
 * GoTrue's admin API through the unmodified `@supabase/supabase-js` (auth-js `auth.admin.*`) with
 * the service key, against a real Floe over HTTP (email confirmation on, as by default): create
 * (confirmed or not), list by page, get, update (metadata, password, email, ban), delete,
 * generate_link whose code and hash /verify takes, invite, sign-out of a user, a user's factors;
 * who may call it; and bad input answered in GoTrue's shape, never a 500.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { decodeJwt } from 'jose'
import { sql } from 'kysely'
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../src/auth/index.js'
import { buildTestApp, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { supabaseClient } from './supabase-client.js'

const PASSWORD = 'correct horse battery staple 1'
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
let t: TestDatabase
let floe: TestApp
let admin: SupabaseClient['auth']['admin']

const signIn = (email: string, password = PASSWORD) => supabaseClient(floe).auth.signInWithPassword({ email, password })

async function created(email: string, extra: Record<string, unknown> = {}) {
  const { data, error } = await admin.createUser({ email, password: PASSWORD, email_confirm: true, ...extra })
  expect(error).toBeNull()
  return data.user!
}

/** A raw call to the admin API, for what auth-js would refuse to send (or sends only one way). */
function raw(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  return floe.http(`http://floe.test/auth/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.headers ?? { apikey: TEST_SERVICE_KEY }) },
    ...(init.body !== undefined && { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  })
}

async function expectGoTrueError(res: Response, status: number, code: string) {
  const body = (await res.json()) as Record<string, unknown>
  expect({ status: res.status, code: body.code }).toEqual({ status, code })
  expect(body).toMatchObject({ error_code: code, msg: expect.any(String), message: expect.any(String) })
}

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t, { PUBLIC_URL: 'http://localhost:54321' })
  admin = supabaseClient(floe, TEST_SERVICE_KEY).auth.admin
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('supabase-js auth.admin against Floe', () => {
  it('listUsers pages newest first with the total and next/last pages as auth-js reads them', async () => {
    for (const n of [1, 2, 3, 4, 5]) await created(`list${n}@floe.test`)
    const first = await admin.listUsers({ page: 1, perPage: 2 })
    expect(first.error).toBeNull()
    expect(first.data).toMatchObject({ aud: 'authenticated', total: 5, nextPage: 2, lastPage: 3 })
    expect(first.data.users.map((u) => u.email)).toEqual(['list5@floe.test', 'list4@floe.test'])
    const last = await admin.listUsers({ page: 3, perPage: 2 })
    expect(last.data).toMatchObject({ total: 5, nextPage: null, lastPage: 3 })
    expect(last.data.users.map((u) => u.email)).toEqual(['list1@floe.test'])
    const all = await admin.listUsers()
    expect(all.data.users).toHaveLength(5)
    expect(all.data.users[0]).toMatchObject({ aud: 'authenticated', email_confirmed_at: ISO, identities: [expect.objectContaining({ provider: 'email' })] })
  })

  it('createUser with email_confirm signs in at once; without it sign-in waits for confirmation; a taken address is email_exists', async () => {
    const user = await created('made@floe.test', { user_metadata: { name: 'Made' }, app_metadata: { plan: 'pro' } })
    expect(user).toMatchObject({
      email: 'made@floe.test', aud: 'authenticated', role: 'authenticated', email_confirmed_at: ISO,
      user_metadata: { name: 'Made' }, app_metadata: { provider: 'email', providers: ['email'], plan: 'pro' },
    })
    const session = await signIn('made@floe.test')
    expect(session.error).toBeNull()
    expect(decodeJwt(session.data.session!.access_token)).toMatchObject({ sub: user.id, app_metadata: { plan: 'pro' } })

    const pending = await admin.createUser({ email: 'pending@floe.test', password: PASSWORD })
    expect(pending.error).toBeNull()
    expect(pending.data.user?.email_confirmed_at).toBeUndefined()
    expect((await signIn('pending@floe.test')).error).toMatchObject({ status: 400, code: 'email_not_confirmed' })

    const again = await admin.createUser({ email: 'MADE@floe.test', password: PASSWORD })
    expect(again.error).toMatchObject({ status: 422, code: 'email_exists' })
  })

  it('getUserById and updateUserById: metadata merged (null removes), password, email, confirmation, ban and unban', async () => {
    const user = await created('upd@floe.test', { user_metadata: { a: 1, b: 2 } })
    expect((await admin.getUserById(user.id)).data.user).toMatchObject({ id: user.id, email: 'upd@floe.test' })

    const meta = await admin.updateUserById(user.id, { user_metadata: { b: null, c: 3 }, app_metadata: { role: 'editor' } })
    expect(meta.error).toBeNull()
    expect(meta.data.user).toMatchObject({ user_metadata: { a: 1, c: 3 }, app_metadata: { provider: 'email', role: 'editor' } })
    expect(meta.data.user!.user_metadata).not.toHaveProperty('b')

    expect((await admin.updateUserById(user.id, { password: 'a brand new password 2' })).error).toBeNull()
    expect((await signIn('upd@floe.test')).error).toMatchObject({ code: 'invalid_credentials' })
    expect((await signIn('upd@floe.test', 'a brand new password 2')).error).toBeNull()

    const moved = await admin.updateUserById(user.id, { email: 'moved@floe.test', email_confirm: true })
    expect(moved.data.user).toMatchObject({ email: 'moved@floe.test', email_confirmed_at: ISO })
    expect((await signIn('moved@floe.test', 'a brand new password 2')).error).toBeNull()

    const banned = await admin.updateUserById(user.id, { ban_duration: '24h' })
    expect(banned.error).toBeNull()
    expect(new Date(banned.data.user!.banned_until!).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000)
    expect((await signIn('moved@floe.test', 'a brand new password 2')).error).toMatchObject({ status: 400, code: 'user_banned' })
    const unbanned = await admin.updateUserById(user.id, { ban_duration: 'none' })
    expect(unbanned.data.user?.banned_until).toBeUndefined()
    expect((await signIn('moved@floe.test', 'a brand new password 2')).error).toBeNull()

    const pending = await admin.createUser({ email: 'confirm-later@floe.test', password: PASSWORD })
    expect((await admin.updateUserById(pending.data.user!.id, { email_confirm: true })).data.user?.email_confirmed_at).toEqual(ISO)
    expect((await signIn('confirm-later@floe.test')).error).toBeNull()
  })

  it('deleteUser: sign-in fails after, the user is gone; a soft delete keeps an unusable row', async () => {
    const user = await created('gone@floe.test')
    const del = await admin.deleteUser(user.id)
    expect(del.error).toBeNull()
    expect((await signIn('gone@floe.test')).error).toMatchObject({ status: 400, code: 'invalid_credentials' })
    expect((await admin.getUserById(user.id)).error).toMatchObject({ status: 404, code: 'user_not_found' })
    expect((await admin.deleteUser(user.id)).error).toMatchObject({ status: 404, code: 'user_not_found' })

    const soft = await created('soft@floe.test')
    expect((await admin.deleteUser(soft.id, true)).error).toBeNull()
    expect((await signIn('soft@floe.test')).error).toMatchObject({ code: 'invalid_credentials' })
    const kept = await admin.getUserById(soft.id)
    expect(kept.data.user).toMatchObject({ id: soft.id, email: '', identities: [] })
    expect((await created('soft@floe.test')).email).toBe('soft@floe.test')
  })

  it('generateLink: signup, magiclink, recovery, invite and email_change_new give an action link, code and hash that /verify takes', async () => {
    const sb = () => supabaseClient(floe).auth
    const signup = await admin.generateLink({ type: 'signup', email: 'gl-signup@floe.test', password: PASSWORD, options: { data: { from: 'link' } } })
    expect(signup.error).toBeNull()
    expect(signup.data.properties).toMatchObject({
      action_link: expect.stringMatching(/^http:\/\/localhost:54321\/auth\/v1\/verify\?token=[0-9a-f]{64}&type=signup&redirect_to=/),
      email_otp: expect.stringMatching(/^\d{6}$/), hashed_token: expect.stringMatching(/^[0-9a-f]{64}$/), verification_type: 'signup',
    })
    expect(signup.data.user).toMatchObject({ email: 'gl-signup@floe.test', user_metadata: { from: 'link' } })
    const verified = await sb().verifyOtp({ token_hash: signup.data.properties!.hashed_token, type: 'signup' })
    expect(verified.error).toBeNull()
    expect(verified.data.user?.email_confirmed_at).toEqual(ISO)
    expect((await signIn('gl-signup@floe.test')).error).toBeNull()

    const magic = await admin.generateLink({ type: 'magiclink', email: 'gl-signup@floe.test' })
    expect(magic.data.properties?.verification_type).toBe('magiclink')
    const byCode = await sb().verifyOtp({ email: 'gl-signup@floe.test', token: magic.data.properties!.email_otp, type: 'magiclink' })
    expect(byCode.error).toBeNull()
    expect(byCode.data.session?.user.email).toBe('gl-signup@floe.test')

    const magicNew = await admin.generateLink({ type: 'magiclink', email: 'gl-new@floe.test' })
    expect(magicNew.data.properties?.verification_type).toBe('signup')
    expect((await sb().verifyOtp({ token_hash: magicNew.data.properties!.hashed_token, type: 'signup' })).error).toBeNull()

    const recovery = await admin.generateLink({ type: 'recovery', email: 'gl-signup@floe.test' })
    const opened = await floe.http(recovery.data.properties!.action_link.replace('http://localhost:54321', 'http://floe.test'), { redirect: 'manual' })
    expect(opened.status).toBe(303)
    expect(new URL(opened.headers.get('location')!).hash).toMatch(/access_token=.*type=recovery/)

    const invite = await admin.generateLink({ type: 'invite', email: 'gl-invite@floe.test' })
    expect(invite.data.user?.email_confirmed_at).toBeUndefined()
    const accepted = await sb().verifyOtp({ token_hash: invite.data.properties!.hashed_token, type: 'invite' })
    expect(accepted.error).toBeNull()
    expect(accepted.data.user).toMatchObject({ email: 'gl-invite@floe.test', email_confirmed_at: ISO })

    const change = await admin.generateLink({ type: 'email_change_new', email: 'gl-signup@floe.test', newEmail: 'gl-changed@floe.test' })
    expect(change.error).toBeNull()
    const changed = await sb().verifyOtp({ email: 'gl-changed@floe.test', token: change.data.properties!.email_otp, type: 'email_change' })
    expect(changed.error).toBeNull()
    expect((await admin.getUserById(signup.data.user!.id)).data.user?.email).toBe('gl-changed@floe.test')

    expect((await admin.generateLink({ type: 'recovery', email: 'nobody@floe.test' })).error).toMatchObject({ status: 404, code: 'user_not_found' })
    expect((await admin.generateLink({ type: 'signup', email: 'gl-changed@floe.test', password: PASSWORD })).error).toMatchObject({ status: 422, code: 'email_exists' })
    expect((await admin.generateLink({ type: 'signup', email: 'gl-nopw@floe.test' } as never)).error).toMatchObject({ status: 400, code: 'validation_failed' })
  })

  it('inviteUserByEmail creates the user and emails an invitation whose code signs in', async () => {
    const invited = await admin.inviteUserByEmail('invitee@floe.test', { data: { team: 'blue' } })
    expect(invited.error).toBeNull()
    expect(invited.data.user).toMatchObject({ email: 'invitee@floe.test', user_metadata: { team: 'blue' }, confirmation_sent_at: ISO })
    const mail = await sql<{ text_body: string }>`select text_body from auth.outbox where to_address = 'invitee@floe.test' order by id desc limit 1`.execute(floe.database.db)
    const code = /\b(\d{6})\b/.exec(mail.rows[0]!.text_body)![1]!
    const accepted = await supabaseClient(floe).auth.verifyOtp({ email: 'invitee@floe.test', token: code, type: 'invite' })
    expect(accepted.error).toBeNull()
    expect((await admin.inviteUserByEmail('invitee@floe.test')).error).toMatchObject({ status: 422, code: 'email_exists' })
  })

  it("signOut(jwt, scope) ends the user's sessions; admin.mfa lists and deletes a user's factors", async () => {
    await created('out@floe.test')
    const first = await signIn('out@floe.test')
    const second = supabaseClient(floe)
    expect((await second.auth.signInWithPassword({ email: 'out@floe.test', password: PASSWORD })).error).toBeNull()
    expect((await admin.signOut(first.data.session!.access_token, 'global')).error).toBeNull()
    expect((await second.auth.refreshSession()).error).toMatchObject({ status: 400 })

    const user = supabaseClient(floe)
    const { data } = await user.auth.signInWithPassword({ email: 'out@floe.test', password: PASSWORD })
    const factor = (await user.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'app' })).data!
    const code = TOTP.generate({ secret: Secret.fromBase32(factor.totp.secret) })
    expect((await user.auth.mfa.challengeAndVerify({ factorId: factor.id, code })).error).toBeNull()
    const listed = await admin.mfa.listFactors({ userId: data.user!.id })
    expect(listed.data?.factors).toEqual([expect.objectContaining({ id: factor.id, status: 'verified', factor_type: 'totp', friendly_name: 'app' })])
    const removed = await admin.mfa.deleteFactor({ userId: data.user!.id, id: factor.id })
    expect(removed.error).toBeNull()
    expect((await admin.mfa.listFactors({ userId: data.user!.id })).data?.factors).toEqual([])
    expect((await admin.mfa.deleteFactor({ userId: data.user!.id, id: factor.id })).error).toMatchObject({ status: 404, code: 'mfa_factor_not_found' })
  })

  it('only the service role: the anon key and a user token are not_admin (403), no credentials 401, a service_role JWT passes', async () => {
    const anon = supabaseClient(floe).auth.admin
    expect((await anon.listUsers()).error).toMatchObject({ status: 403, code: 'not_admin' })
    expect((await anon.createUser({ email: 'sneaky@floe.test', email_confirm: true })).error).toMatchObject({ status: 403, code: 'not_admin' })

    await created('plain@floe.test')
    const token = (await signIn('plain@floe.test')).data.session!.access_token
    await expectGoTrueError(await raw('/admin/users', { headers: { ...floe.anon, authorization: `Bearer ${token}` } }), 403, 'not_admin')
    await expectGoTrueError(await raw('/admin/generate_link', { method: 'POST', headers: { ...floe.anon, authorization: `Bearer ${token}` }, body: { type: 'nope' } }), 403, 'not_admin')
    await expectGoTrueError(await raw('/invite', { method: 'POST', headers: {}, body: { email: 'x@floe.test' } }), 401, 'no_authorization')

    const serviceJwt = await signJwt({ role: 'service_role' }, floe.jwtKeys, '5m')
    const res = await raw('/admin/users?page=1&per_page=1', { headers: { ...floe.anon, authorization: `Bearer ${serviceJwt}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-total-count')).toMatch(/^\d+$/)
  })

  it.each([
    ['create without email', 'POST', '/admin/users', { password: PASSWORD }, 400, 'validation_failed'],
    ['create with a malformed email', 'POST', '/admin/users', { email: 'not-an-email' }, 400, 'email_address_invalid'],
    ['create with a short password', 'POST', '/admin/users', { email: 'short@floe.test', password: 'abc' }, 422, 'weak_password'],
    ['create with a password hash', 'POST', '/admin/users', { email: 'hash@floe.test', password_hash: '$2a$10$abc' }, 400, 'validation_failed'],
    ['create with another role', 'POST', '/admin/users', { email: 'role@floe.test', role: 'service_role' }, 400, 'validation_failed'],
    ['create with 20 kB metadata', 'POST', '/admin/users', { email: 'big@floe.test', user_metadata: { x: 'x'.repeat(20_000) } }, 400, 'validation_failed'],
    ['create with 1 MB metadata', 'POST', '/admin/users', { email: 'huge@floe.test', user_metadata: { x: 'x'.repeat(1024 * 1024) } }, 413, 'request_too_large'],
    ['create with a bad ban', 'POST', '/admin/users', { email: 'ban@floe.test', ban_duration: 'forever' }, 400, 'validation_failed'],
    ['create with metadata not an object', 'POST', '/admin/users', { email: 'arr@floe.test', user_metadata: [1] }, 400, 'validation_failed'],
    ['bad JSON', 'POST', '/admin/users', '{"email":', 400, 'bad_json'],
    ['get a malformed id', 'GET', '/admin/users/not-a-uuid', undefined, 400, 'validation_failed'],
    ['get an unknown id', 'GET', `/admin/users/${crypto.randomUUID()}`, undefined, 404, 'user_not_found'],
    ['update an unknown id', 'PUT', `/admin/users/${crypto.randomUUID()}`, { user_metadata: {} }, 404, 'user_not_found'],
    ['list a page that is not a number', 'GET', '/admin/users?page=abc', undefined, 400, 'validation_failed'],
    ['list page 0', 'GET', '/admin/users?page=0', undefined, 400, 'validation_failed'],
    ['list too many per page', 'GET', '/admin/users?per_page=5000', undefined, 400, 'validation_failed'],
    ['link of an unknown type', 'POST', '/admin/generate_link', { type: 'nope', email: 'x@floe.test' }, 400, 'validation_failed'],
    ['link without an email', 'POST', '/admin/generate_link', { type: 'magiclink' }, 400, 'validation_failed'],
    ['link for the current email (no secure change)', 'POST', '/admin/generate_link', { type: 'email_change_current', email: 'list1@floe.test', new_email: 'n@floe.test' }, 400, 'validation_failed'],
    ['invite a malformed email', 'POST', '/invite', { email: 'nope' }, 400, 'email_address_invalid'],
    ['factors of a malformed user id', 'GET', '/admin/users/nope/factors', undefined, 400, 'validation_failed'],
    ['delete a malformed factor id', 'DELETE', `/admin/users/${crypto.randomUUID()}/factors/nope`, undefined, 400, 'validation_failed'],
  ])('bad input: %s → %i %s in GoTrue shape', async (_name, method, path, body, status, code) => {
    await expectGoTrueError(await raw(path, { method, body }), status, code)
  })
})
