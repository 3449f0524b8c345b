/**
 * Issue 18, users for admins: /admin/v1/users and /admin/v1/outbox. Who may call them (a table of
 * every route × every kind of caller), list/search/paging, create, role and name, ban (sign-in
 * refused, sessions ended so refresh fails) and unban, delete, sessions, the last-admin and
 * self-ban guards, the audit entries, and the development outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { post, signIn, signUpVerified } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { call, expectErrorShape, sqlOn } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp
let adminHeaders: Record<string, string>
let adminId: string
let plainHeaders: Record<string, string>
const PASSWORD = 'a long enough passphrase 1'
const GHOST = '00000000-0000-4000-8000-0000000000ff'

const bearer = (token: string) => ({ ...floe.anon, authorization: `Bearer ${token}` })
const refresh = (token: string) =>
  floe.app.request('/auth/v1/token?grant_type=refresh_token', { method: 'POST', headers: { ...floe.anon, 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: token }) })

interface User {
  id: string
  email: string
  role: string
  banned: boolean
  ban_reason: string | null
  ban_expires: string | null
  email_verified: boolean
  name: string
  last_sign_in_at: string | null
}

async function createUser(email: string, extra: Record<string, unknown> = {}): Promise<User> {
  const res = await call(floe, 'POST', '/admin/v1/users', floe.service, { email, password: PASSWORD, email_verified: true, ...extra })
  expect(res.status).toBe(201)
  return res.body as User
}

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t)
  const admin = await createUser('root@floe.test', { role: 'admin', name: 'Root' })
  adminId = admin.id
  adminHeaders = bearer((await signIn(floe, 'root@floe.test', PASSWORD)).access_token)
  await createUser('plain@floe.test')
  plainHeaders = bearer((await signIn(floe, 'plain@floe.test', PASSWORD)).access_token)
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('who may call the users API', () => {
  const routes: [string, string, unknown?][] = [
    ['GET', '/admin/v1/users'],
    ['POST', '/admin/v1/users', { email: 'x@floe.test', password: PASSWORD }],
    ['GET', `/admin/v1/users/${GHOST}`],
    ['PATCH', `/admin/v1/users/${GHOST}`, { name: 'x' }],
    ['POST', `/admin/v1/users/${GHOST}/ban`, {}],
    ['POST', `/admin/v1/users/${GHOST}/unban`],
    ['DELETE', `/admin/v1/users/${GHOST}`],
    ['GET', `/admin/v1/users/${GHOST}/sessions`],
    ['DELETE', `/admin/v1/users/${GHOST}/sessions`],
    ['DELETE', `/admin/v1/users/${GHOST}/sessions/${GHOST}`],
    ['GET', '/admin/v1/outbox'],
  ]
  const callers: [string, () => Record<string, string>, number][] = [
    ['no key', () => ({}), 401],
    ['the anon key', () => floe.anon, 401],
    ['a signed-in user who is not admin', () => plainHeaders, 403],
  ]
  for (const [method, path, body] of routes) {
    for (const [who, headers, status] of callers) {
      it(`${method} ${path.replace(GHOST, ':id').replace(GHOST, ':sid')}: ${who} → ${status}`, async () => {
        const res = await call(floe, method, path, headers(), body)
        expect(res.status).toBe(status)
        expectErrorShape(res.body, status === 401 ? (who === 'no key' ? 'API_KEY_MISSING' : 'UNAUTHENTICATED') : 'FORBIDDEN')
      })
    }
    it(`${method} ${path.replace(GHOST, ':id').replace(GHOST, ':sid')}: the service key and an admin user pass`, async () => {
      for (const headers of [floe.service, adminHeaders]) {
        const res = await call(floe, method, path, headers, method === 'POST' && path === '/admin/v1/users' ? { email: 'x@floe.test', password: PASSWORD } : body)
        expect([200, 201, 204, 404, 409]).toContain(res.status)
      }
    })
  }
  it('nobody was created by a refused caller', async () => {
    const rows = await sqlOn(t.url, `select count(*)::int as n from auth.users where email = 'x@floe.test'`)
    expect(rows[0]).toEqual({ n: 1 })
  })
})

describe('users', () => {
  it('is described in /openapi.json, every route with its operationId and its errors', async () => {
    const doc = (await (await floe.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> }
    const ops = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/admin/v1/users') || path === '/admin/v1/outbox' || path === '/admin/v1/setup')
      .flatMap(([, methods]) => Object.values(methods))
    expect(ops.map((o) => o.operationId).sort()).toEqual([
      'admin.banUser', 'admin.completeSetup', 'admin.createUser', 'admin.deleteUser', 'admin.getSetup', 'admin.getUser', 'admin.listOutbox',
      'admin.listUserSessions', 'admin.listUsers', 'admin.revokeUserSession', 'admin.revokeUserSessions', 'admin.unbanUser', 'admin.updateUser',
    ])
    for (const o of ops.filter((x) => !x.operationId.includes('Setup'))) expect(Object.keys(o.responses)).toEqual(expect.arrayContaining(['401', '403']))
  })

  it('creates users (hashing the password as sign-up does), refuses a taken email and a short password', async () => {
    const u = await createUser('Grace@Floe.test', { name: 'Grace Hopper' })
    expect(u).toMatchObject({ email: 'grace@floe.test', name: 'Grace Hopper', role: 'user', email_verified: true, banned: false })
    expect(Object.keys(u).sort()).toEqual(['ban_expires', 'ban_reason', 'banned', 'created_at', 'email', 'email_verified', 'id', 'last_sign_in_at', 'name', 'role'])
    expect(JSON.stringify(u)).not.toContain(PASSWORD)
    expect((await signIn(floe, 'grace@floe.test', PASSWORD)).user.id).toBe(u.id)
    const dup = await call(floe, 'POST', '/admin/v1/users', floe.service, { email: 'grace@floe.test', password: PASSWORD })
    expect(dup.status).toBe(409)
    expectErrorShape(dup.body, 'USERS_EMAIL_TAKEN')
    const weak = await call(floe, 'POST', '/admin/v1/users', floe.service, { email: 'weak@floe.test', password: 'short' })
    expect(weak.status).toBe(400)
    const badRole = await call(floe, 'POST', '/admin/v1/users', floe.service, { email: 'weak@floe.test', password: PASSWORD, role: 'owner' })
    expect(badRole.status).toBe(400)
  })

  it('lists newest first with a total, searches email and name, pages, filters banned', async () => {
    for (const n of [1, 2, 3]) await createUser(`page${n}@floe.test`, { name: `Pager ${n}` })
    const all = await call(floe, 'GET', '/admin/v1/users?search=PAGE', floe.service)
    expect(all.status).toBe(200)
    const body = all.body as { users: User[]; total: number }
    expect(body.total).toBe(3)
    expect(body.users.map((u) => u.email)).toEqual(['page3@floe.test', 'page2@floe.test', 'page1@floe.test'])
    const byName = (await call(floe, 'GET', '/admin/v1/users?search=pager%202', adminHeaders)).body as { users: User[]; total: number }
    expect(byName.users.map((u) => u.email)).toEqual(['page2@floe.test'])
    const second = (await call(floe, 'GET', '/admin/v1/users?search=page&limit=1&offset=1', floe.service)).body as { users: User[]; total: number }
    expect(second).toMatchObject({ total: 3, users: [{ email: 'page2@floe.test' }] })
    const beyond = (await call(floe, 'GET', '/admin/v1/users?search=page&offset=10', floe.service)).body as { users: User[]; total: number }
    expect(beyond).toEqual({ users: [], total: 3 })
    // `%` and `_` are matched literally.
    expect(((await call(floe, 'GET', '/admin/v1/users?search=%25', floe.service)).body as { total: number }).total).toBe(0)
    const root = (await call(floe, 'GET', `/admin/v1/users/${adminId}`, floe.service)).body as User
    expect(root.last_sign_in_at).not.toBeNull()
    expect((await call(floe, 'GET', '/admin/v1/users?banned=true', floe.service)).body).toEqual({ users: [], total: 0 })
  })

  it('changes role and name; 404 for an unknown user', async () => {
    const u = await createUser('promote@floe.test')
    const res = await call(floe, 'PATCH', `/admin/v1/users/${u.id}`, adminHeaders, { role: 'admin', name: 'Promoted' })
    expect(res).toMatchObject({ status: 200, body: { role: 'admin', name: 'Promoted' } })
    const token = (await signIn(floe, 'promote@floe.test', PASSWORD)).access_token
    expect((await call(floe, 'GET', '/admin/v1/users', bearer(token))).status).toBe(200)
    expect((await call(floe, 'PATCH', `/admin/v1/users/${u.id}`, floe.service, { role: 'user' })).status).toBe(200)
    expect((await call(floe, 'GET', '/admin/v1/users', bearer(token))).status).toBe(403)
    expect((await call(floe, 'PATCH', `/admin/v1/users/${u.id}`, floe.service, {})).status).toBe(400)
    const missing = await call(floe, 'GET', `/admin/v1/users/${GHOST}`, floe.service)
    expect(missing.status).toBe(404)
    expectErrorShape(missing.body, 'USERS_USER_NOT_FOUND')
    expect((await call(floe, 'GET', '/admin/v1/users/not-a-uuid', floe.service)).status).toBe(400)
  })
})

describe('bans', () => {
  it('a ban refuses sign-in, ends every session (refresh fails, an admin token stops working) and an unban lifts it', async () => {
    const u = await createUser('banned@floe.test', { role: 'admin' })
    const session = await signIn(floe, 'banned@floe.test', PASSWORD)
    expect((await call(floe, 'GET', '/admin/v1/users', bearer(session.access_token))).status).toBe(200)

    const res = await call(floe, 'POST', `/admin/v1/users/${u.id}/ban`, adminHeaders, { reason: 'spam', expires_in_s: 3600 })
    expect(res).toMatchObject({ status: 200, body: { banned: true, ban_reason: 'spam' } })
    expect(Date.parse((res.body as User).ban_expires!)).toBeGreaterThan(Date.now() + 3500_000)
    expect(await sqlOn(t.url, 'select count(*)::int as n from auth.sessions where user_id = $1', [u.id])).toEqual([{ n: 0 }])

    const signInRes = await post(floe, '/auth/v1/sign-in/email', { email: 'banned@floe.test', password: PASSWORD })
    expect(signInRes.status).toBe(403)
    expect(((await signInRes.json()) as { code: string }).code).toBe('BANNED_USER')
    const gotrue = await post(floe, '/auth/v1/token?grant_type=password', { email: 'banned@floe.test', password: PASSWORD })
    expect(gotrue.status).toBe(400)
    expect((await refresh(session.refresh_token)).status).toBeGreaterThanOrEqual(400)
    // Its unexpired access token no longer opens the admin API, nor the user's own account.
    expect((await call(floe, 'GET', '/admin/v1/users', bearer(session.access_token))).status).toBe(403)
    expect((await floe.app.request('/auth/v1/user', { headers: bearer(session.access_token) })).status).toBeGreaterThanOrEqual(400)

    const listed = (await call(floe, 'GET', '/admin/v1/users?banned=true', floe.service)).body as { users: User[] }
    expect(listed.users.map((x) => x.email)).toEqual(['banned@floe.test'])

    const unban = await call(floe, 'POST', `/admin/v1/users/${u.id}/unban`, floe.service)
    expect(unban).toMatchObject({ status: 200, body: { banned: false, ban_reason: null, ban_expires: null } })
    expect((await signIn(floe, 'banned@floe.test', PASSWORD)).user.id).toBe(u.id)
  })

  it('a ban without a body lasts until lifted, with better-auth\'s default reason', async () => {
    const u = await createUser('forever@floe.test')
    const res = await floe.app.request(`/admin/v1/users/${u.id}/ban`, { method: 'POST', headers: floe.service })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ banned: true, ban_reason: 'No reason', ban_expires: null })
  })

  it('an admin cannot ban or delete themself; nobody can ban, delete or demote the last admin', async () => {
    const self = await call(floe, 'POST', `/admin/v1/users/${adminId}/ban`, adminHeaders, {})
    expect(self.status).toBe(400)
    expectErrorShape(self.body, 'USERS_CANNOT_TARGET_SELF')
    expect((await call(floe, 'DELETE', `/admin/v1/users/${adminId}`, adminHeaders)).status).toBe(400)

    // Alone: root is the only admin (the others were demoted or are plain users).
    await sqlOn(t.url, `update auth.users set role = 'user' where id <> $1`, [adminId])
    for (const [method, path, body] of [
      ['POST', `/admin/v1/users/${adminId}/ban`, {}],
      ['DELETE', `/admin/v1/users/${adminId}`, undefined],
      ['PATCH', `/admin/v1/users/${adminId}`, { role: 'user' }],
    ] as const) {
      const res = await call(floe, method, path, floe.service, body)
      expect(res.status).toBe(409)
      expectErrorShape(res.body, 'USERS_LAST_ADMIN')
    }
    const other = await createUser('second-admin@floe.test', { role: 'admin' })
    expect((await call(floe, 'PATCH', `/admin/v1/users/${other.id}`, adminHeaders, { role: 'user' })).status).toBe(200)
    expect((await call(floe, 'PATCH', `/admin/v1/users/${other.id}`, adminHeaders, { role: 'admin' })).status).toBe(200)
    expect((await call(floe, 'POST', `/admin/v1/users/${other.id}/ban`, adminHeaders, {})).status).toBe(200)
    // A banned admin does not count: root is still the last one who can act.
    expect((await call(floe, 'PATCH', `/admin/v1/users/${adminId}`, floe.service, { role: 'user' })).status).toBe(409)
  })
})

describe('sessions and deletion', () => {
  it('lists sessions without tokens, ends one, then all (their refresh fails)', async () => {
    const u = await createUser('sessions@floe.test')
    const a = await signIn(floe, 'sessions@floe.test', PASSWORD)
    const b = await signIn(floe, 'sessions@floe.test', PASSWORD)
    const listed = await call(floe, 'GET', `/admin/v1/users/${u.id}/sessions`, adminHeaders)
    expect(listed.status).toBe(200)
    const sessions = listed.body as { id: string }[]
    expect(sessions).toHaveLength(2)
    expect(Object.keys(sessions[0]!).sort()).toEqual(['created_at', 'expires_at', 'id', 'ip_address', 'updated_at', 'user_agent'])
    expect(JSON.stringify(sessions)).not.toContain(a.refresh_token)

    const [sessionOfA] = await sqlOn<{ id: string }>(t.url, 'select id::text from auth.sessions where token = $1', [a.refresh_token])
    expect((await call(floe, 'DELETE', `/admin/v1/users/${u.id}/sessions/${sessionOfA!.id}`, floe.service)).status).toBe(204)
    expect((await call(floe, 'DELETE', `/admin/v1/users/${u.id}/sessions/${sessionOfA!.id}`, floe.service)).status).toBe(404)
    expect((await refresh(a.refresh_token)).status).toBeGreaterThanOrEqual(400)
    expect((await refresh(b.refresh_token)).status).toBe(200)

    const all = await call(floe, 'DELETE', `/admin/v1/users/${u.id}/sessions`, floe.service)
    expect(all).toEqual({ status: 200, body: { revoked: 1 } })
    expect((await call(floe, 'GET', `/admin/v1/users/${u.id}/sessions`, floe.service)).body).toEqual([])
  })

  it('deletes a user with their sessions; they cannot sign in again', async () => {
    const u = await createUser('gone@floe.test')
    await signIn(floe, 'gone@floe.test', PASSWORD)
    expect((await call(floe, 'DELETE', `/admin/v1/users/${u.id}`, adminHeaders)).status).toBe(204)
    expect((await call(floe, 'GET', `/admin/v1/users/${u.id}`, adminHeaders)).status).toBe(404)
    expect(await sqlOn(t.url, 'select count(*)::int as n from auth.sessions where user_id = $1', [u.id])).toEqual([{ n: 0 }])
    expect((await post(floe, '/auth/v1/sign-in/email', { email: 'gone@floe.test', password: PASSWORD })).status).toBe(401)
    expect((await call(floe, 'DELETE', `/admin/v1/users/${u.id}`, adminHeaders)).status).toBe(404)
  })

  it('writes an audit entry for every change, naming the actor and never a password', async () => {
    const res = await call(floe, 'GET', '/admin/v1/audit?action=users.&limit=500', floe.service)
    expect(res.status).toBe(200)
    const entries = res.body as { action: string; actor: string; target: string }[]
    const actions = new Set(entries.map((e) => e.action))
    for (const a of ['users.create', 'users.update', 'users.ban', 'users.unban', 'users.delete', 'users.revoke_session', 'users.revoke_sessions']) expect(actions).toContain(a)
    expect(entries.some((e) => e.action === 'users.delete' && e.actor === 'root@floe.test')).toBe(true)
    expect(entries.some((e) => e.actor === 'service_key')).toBe(true)
    expect(JSON.stringify(entries)).not.toContain(PASSWORD)
  })
})

describe('the development outbox', () => {
  it('lists a sign-up email, newest first, with paging', async () => {
    await signUpVerified(floe, 'outbox@floe.test', PASSWORD)
    const res = await call(floe, 'GET', '/admin/v1/outbox?limit=1', adminHeaders)
    expect(res.status).toBe(200)
    const body = res.body as { emails: { id: number; kind: string; to: string; subject: string; text_body: string }[]; total: number }
    expect(body.total).toBeGreaterThanOrEqual(1)
    expect(body.emails).toHaveLength(1)
    expect(body.emails[0]).toMatchObject({ kind: 'verify-email', to: 'outbox@floe.test' })
    expect(body.emails[0]!.text_body).toMatch(/https?:\/\//)
    const next = (await call(floe, 'GET', `/admin/v1/outbox?limit=1&offset=${body.total}`, floe.service)).body
    expect(next).toEqual({ emails: [], total: body.total })
  })

  it('is empty when SMTP sends the mail', async () => {
    const smtp = await buildTestApp(t, {}, { mailer: { name: 'smtp', send: async () => {}, close: async () => {} } })
    try {
      expect(await call(smtp, 'GET', '/admin/v1/outbox', smtp.service)).toEqual({ status: 200, body: { emails: [], total: 0 } })
    } finally {
      await smtp.close()
    }
  })
})
