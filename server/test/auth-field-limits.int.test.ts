/**
 * Issue 15 item 13: no stored user field is unbounded. better-auth's routes refuse an over-long
 * name, email, image or ban reason with a 400 before anything is stored (a 900 KB name was stored
 * at sign-up); GoTrue's routes refuse over-long input as they did; sessions keep at most 512
 * characters of a User-Agent; and the database itself refuses an over-long value (migration 0016).
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { bodyOf, post, signIn, signUpVerified } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'

const PASSWORD = 'correct horse battery staple 1'
const NO_LIMITS = { RATE_LIMIT_PER_IP: '0', AUTH_RATE_LIMIT_PER_IP: '0', AUTH_RATE_LIMIT_PER_EMAIL: '0' }
let t: TestDatabase
let floe: TestApp

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t, NO_LIMITS)
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

const stored = async (email: string) =>
  (await sql<{ n: string }>`select count(*) as n from auth.users where email = ${email}`.execute(floe.database.db)).rows[0]!.n

describe('better-auth routes', () => {
  it.each([
    ['a 900 KB name', { name: 'x'.repeat(900 * 1024) }],
    ['a 201-character name', { name: 'x'.repeat(201) }],
    ['a 3 kB image URL', { name: 'ok', image: `https://img.floe.test/${'a'.repeat(3000)}.png` }],
  ])('sign-up refuses %s with 400 and stores nothing', async (_what, fields) => {
    const email = `long-${Object.keys(fields).join('-')}-${JSON.stringify(fields).length}@floe.test`
    const res = await post(floe, '/auth/v1/sign-up/email', { email, password: PASSWORD, ...fields })
    expect(res.status).toBe(400)
    expect(await bodyOf(res)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/at most \d+ characters/) })
    expect(await stored(email)).toBe('0')
  })

  it('sign-up refuses an email longer than 254 characters', async () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(200)}.floe.test`
    expect((await post(floe, '/auth/v1/sign-up/email', { email, password: PASSWORD, name: 'x' })).status).toBe(400)
  })

  it('takes a 200-character name, and refuses a longer one at update-user, and a long newEmail', async () => {
    const email = 'bounded@floe.test'
    const res = await post(floe, '/auth/v1/sign-up/email', { email, password: PASSWORD, name: 'n'.repeat(200) })
    expect(res.status).toBe(200)
    await sql`update auth.users set email_verified = true where email = ${email}`.execute(floe.database.db)
    const session = await signIn(floe, email, PASSWORD)
    const auth = { authorization: `Bearer ${session.access_token}` }
    expect((await post(floe, '/auth/v1/update-user', { name: 'y'.repeat(100_000) }, auth)).status).toBe(400)
    expect((await post(floe, '/auth/v1/change-email', { newEmail: `${'c'.repeat(300)}@floe.test` }, auth)).status).toBe(400)
    const row = await sql<{ n: number }>`select char_length(name) as n from auth.users where email = ${email}`.execute(floe.database.db)
    expect(row.rows[0]!.n).toBe(200)
  })

  it('the admin plugin refuses an over-long name in create-user and update-user data, and a long ban reason', async () => {
    await signUpVerified(floe, 'boss@floe.test', PASSWORD)
    await sql`update auth.users set role = 'admin' where email = 'boss@floe.test'`.execute(floe.database.db)
    const auth = { authorization: `Bearer ${(await signIn(floe, 'boss@floe.test', PASSWORD)).access_token}` }
    const created = await post(floe, '/auth/v1/admin/create-user', { email: 'made@floe.test', password: PASSWORD, name: 'Made' }, auth)
    expect(created.status).toBe(200)
    const userId = (await bodyOf<{ user: { id: string } }>(created)).user.id
    expect((await post(floe, '/auth/v1/admin/create-user', { email: 'made2@floe.test', password: PASSWORD, name: 'ok', data: { name: 'n'.repeat(5000) } }, auth)).status).toBe(400)
    expect((await post(floe, '/auth/v1/admin/update-user', { userId, data: { name: 'n'.repeat(5000) } }, auth)).status).toBe(400)
    expect((await post(floe, '/auth/v1/admin/ban-user', { userId, banReason: 'r'.repeat(5000) }, auth)).status).toBe(400)
  })

  it('magic-link sign-in refuses an over-long name (stored when the link creates the user)', async () => {
    expect((await post(floe, '/auth/v1/sign-in/magic-link', { email: 'ml@floe.test', name: 'z'.repeat(10_000), callbackURL: '/' })).status).toBe(400)
  })

  it('keeps at most 512 characters of a User-Agent on a session', async () => {
    await signUpVerified(floe, 'agent@floe.test', PASSWORD)
    const res = await post(floe, '/auth/v1/sign-in/email', { email: 'agent@floe.test', password: PASSWORD }, { 'user-agent': `Agent/${'u'.repeat(8000)}` })
    expect(res.status).toBe(200)
    const r = await sql<{ n: number }>`select max(char_length(s.user_agent)) as n from auth.sessions s join auth.users u on u.id = s.user_id
                                       where u.email = 'agent@floe.test'`.execute(floe.database.db)
    expect(r.rows[0]!.n).toBeLessThanOrEqual(512)
  })
})

describe('GoTrue routes', () => {
  it('refuse a 900 KB name in the metadata at sign-up (bounded before this issue: kept as a guard)', async () => {
    const res = await post(floe, '/auth/v1/signup', { email: 'gt-long@floe.test', password: PASSWORD, data: { name: 'x'.repeat(900 * 1024) } })
    expect([400, 413]).toContain(res.status)
    expect(await stored('gt-long@floe.test')).toBe('0')
  })
})

describe('the database', () => {
  it.each([
    ['name', sql`insert into auth.users (name, email, email_verified) values (${'x'.repeat(201)}, 'db1@floe.test', false)`],
    ['email', sql`insert into auth.users (name, email, email_verified) values ('x', ${`${'e'.repeat(250)}@floe.test`}, false)`],
    ['image', sql`insert into auth.users (name, email, email_verified, image) values ('x', 'db3@floe.test', false, ${'i'.repeat(2049)})`],
    ['ban_reason', sql`insert into auth.users (name, email, email_verified, ban_reason) values ('x', 'db4@floe.test', false, ${'b'.repeat(1025)})`],
  ])('refuses an over-long %s (23514)', async (_column, statement) => {
    await expect(floe.database.withOwner('test: over-long field', ({ trx }) => statement.execute(trx))).rejects.toMatchObject({ code: '23514' })
  })
})
