/**
 * Who may call the auth routes from where: a server-side fetch with the apikey (no cookie, no
 * Origin) is not a browser CSRF risk and passes; PUBLIC_URL's origin counts as localhost and as
 * 127.0.0.1; a refused origin is a 403 naming the setting to change; a cross-site form, which can
 * carry the anon key only in the query string, is still refused. And the development outbox
 * prints each email's link and code to the log, so a developer gets past verification without SQL.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { bodyOf } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'

const PASSWORD = 'correct horse battery staple 1'
let t: TestDatabase
let floe: TestApp
const logLines: string[] = []

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t, { PUBLIC_URL: 'http://localhost:54321', AUTH_REQUIRE_EMAIL_VERIFICATION: 'false', LOG_LEVEL: 'info' }, {
    logDestination: { write: (line: string) => void logLines.push(line) },
  })
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

const json = { 'content-type': 'application/json' }

describe('auth origins', () => {
  it('a server-side fetch with the apikey and no Origin signs up and in at better-auth\'s routes', async () => {
    // Node's fetch sends `sec-fetch-mode: cors` and no Origin: better-auth alone would answer 403.
    const up = await floe.http('http://floe.test/auth/v1/sign-up/email', {
      method: 'POST', headers: { ...floe.anon, ...json }, body: JSON.stringify({ email: 'server@floe.test', password: PASSWORD, name: 's' }),
    })
    expect(up.status).toBe(200)
    const inn = await floe.http('http://floe.test/auth/v1/sign-in/email', {
      method: 'POST', headers: { ...floe.anon, ...json }, body: JSON.stringify({ email: 'server@floe.test', password: PASSWORD }),
    })
    expect(inn.status).toBe(200)
  })

  it('PUBLIC_URL counts as localhost and as 127.0.0.1 for a browser with cookies', async () => {
    for (const origin of ['http://localhost:54321', 'http://127.0.0.1:54321']) {
      const res = await floe.app.request('/auth/v1/sign-in/email', {
        method: 'POST',
        headers: { ...floe.anon, ...json, origin, cookie: 'floe.other=1', 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
        body: JSON.stringify({ email: 'server@floe.test', password: PASSWORD }),
      })
      expect({ origin, status: res.status }).toEqual({ origin, status: 200 })
    }
  })

  it('refuses another origin with cookies: 403 naming AUTH_TRUSTED_ORIGINS', async () => {
    const res = await floe.app.request('/auth/v1/sign-in/email', {
      method: 'POST',
      headers: { ...floe.anon, ...json, origin: 'https://evil.example', cookie: 'floe.other=1' },
      body: JSON.stringify({ email: 'server@floe.test', password: PASSWORD }),
    })
    expect(res.status).toBe(403)
    const body = await bodyOf(res)
    expect(body).toMatchObject({ code: 'INVALID_ORIGIN', details: expect.stringContaining('https://evil.example'), hint: expect.stringContaining('AUTH_TRUSTED_ORIGINS') })
  })

  it('still refuses a cross-site form sign-in that carries the key in the query string', async () => {
    const res = await floe.app.request(`/auth/v1/sign-in/email?apikey=${floe.anon.apikey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
      body: new URLSearchParams({ email: 'server@floe.test', password: PASSWORD }).toString(),
    })
    expect(res.status).toBe(403)
  })
})

describe('development outbox', () => {
  it('prints each email\'s link and code at info level (no SMTP), the same as in auth.outbox', async () => {
    const confirming = await buildTestApp(t, { LOG_LEVEL: 'info' }, { logDestination: { write: (line: string) => void logLines.push(line) } })
    try {
      const res = await confirming.app.request('/auth/v1/signup', {
        method: 'POST', headers: { ...confirming.anon, ...json }, body: JSON.stringify({ email: 'printed@floe.test', password: PASSWORD }),
      })
      expect(res.status).toBe(200)
      const r = await sql<{ text_body: string }>`select text_body from auth.outbox where to_address = 'printed@floe.test'`.execute(confirming.database.db)
      const text = r.rows[0]!.text_body
      const link = /https?:\/\/\S+/.exec(text)![0]
      const code = /code: (\d{6})/.exec(text)![1]
      const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.to === 'printed@floe.test' && l.devLink)
      expect(line).toMatchObject({ level: 30, kind: 'verify-email', devLink: link, devCode: code })
    } finally {
      await confirming.close()
    }
  })
})
