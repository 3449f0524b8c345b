/**
 * Issue 15 item 9: a sign-up to a taken address must answer exactly like a real sign-up, in shape
 * and in time, at both doors (better-auth's /sign-up/email and GoTrue's /signup with confirmations
 * on), or the answer tells anyone who is registered.
 */
import { sql } from 'kysely'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Mailer } from '../src/auth/index.js'
import { buildTestApp, type TestApp } from './app.js'
import { bodyOf, post } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'

const PASSWORD = 'correct horse battery staple 1'
const NO_LIMITS = { RATE_LIMIT_PER_IP: '0', AUTH_RATE_LIMIT_PER_IP: '0', AUTH_RATE_LIMIT_PER_EMAIL: '0' }
let t: TestDatabase
let floe: TestApp
/** The same Floe behind a mailer as slow as an SMTP relay (faked at the adapter): a real sign-up waits for it. */
let slowMail: TestApp
let n = 0

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t, NO_LIMITS)
  const smtpLike: Mailer = { name: 'smtp', send: () => sleep(120), close: async () => {} }
  slowMail = await buildTestApp(t, NO_LIMITS, { mailer: smtpLike })
})
afterAll(async () => {
  await slowMail?.close()
  await floe?.close()
  await t?.drop()
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/

/** The answer with what differs between any two sign-ups (ids, times) replaced by its form. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]))
  if (typeof value === 'string' && UUID.test(value)) return '<uuid>'
  if (typeof value === 'string' && ISO.test(value)) return '<time>'
  return value
}

async function timed(floe: TestApp, path: string, body: Record<string, unknown>): Promise<{ ms: number; status: number; body: unknown }> {
  const started = performance.now()
  const res = await post(floe, path, body)
  const answer = await bodyOf(res)
  return { ms: performance.now() - started, status: res.status, body: answer }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Real sign-ups (fresh addresses) and sign-ups to taken addresses, interleaved so load hits both alike. */
async function compare(floe: TestApp, path: string, body: (email: string) => Record<string, unknown>, taken: string) {
  const real: Awaited<ReturnType<typeof timed>>[] = []
  const dup: Awaited<ReturnType<typeof timed>>[] = []
  for (let i = 0; i < 3; i++) await timed(floe, path, body(`warm${++n}@floe.test`))
  for (let i = 0; i < 16; i++) {
    real.push(await timed(floe, path, body(`new${++n}@floe.test`)))
    dup.push(await timed(floe, path, body(taken)))
  }
  return { real, dup }
}

describe('a sign-up to a taken address answers like a real one', () => {
  const betterAuth = ['/auth/v1/sign-up/email', (email: string) => ({ email, password: PASSWORD, name: 'Same Name' })] as const
  const goTrue = ['/auth/v1/signup', (email: string) => ({ email, password: PASSWORD, data: { name: 'Same Name' } })] as const
  it.each([
    ['better-auth', 'outbox', ...betterAuth],
    ['GoTrue', 'outbox', ...goTrue],
    ['better-auth', 'slow SMTP', ...betterAuth],
    ['GoTrue', 'slow SMTP', ...goTrue],
  ] as const)('%s (%s mailer): same status, same JSON shape and values, same time', async (door, mailer, path, body) => {
    const app = mailer === 'outbox' ? floe : slowMail
    // A confirmed owner: no confirmation is sent again, so a decoy does less work than a real sign-up.
    const taken = `taken-${door}-${mailer.length}@floe.test`.toLowerCase()
    expect((await post(app, path, body(taken))).status).toBe(200)
    await sql`update auth.users set email_verified = true where email = ${taken}`.execute(app.database.db)
    const { real, dup } = await compare(app, path, body, taken)

    const [realMs, dupMs] = [median(real.map((r) => r.ms)), median(dup.map((d) => d.ms))]
    console.log(`${path} (${mailer}): median real sign-up ${realMs.toFixed(1)} ms, taken address ${dupMs.toFixed(1)} ms`)
    const realShape = shapeOf(real[0]!.body) as Record<string, unknown>
    for (const r of [...real, ...dup]) expect(r.status).toBe(200)
    for (const d of dup) {
      // The address is the caller's own input: compare everything else.
      expect(JSON.stringify(shapeOf(d.body)).replaceAll(taken, '<email>')).toBe(JSON.stringify(realShape).replace(/new\d+@floe\.test/g, '<email>'))
    }
    expect(Math.abs(realMs - dupMs)).toBeLessThan(Math.max(25, 0.3 * realMs))
  })
})
