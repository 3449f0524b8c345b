import { sql } from 'kysely'
import { expect } from 'vitest'
import type { TestApp } from './app.js'

export const json = (floe: TestApp, extra: Record<string, string> = {}) => ({ ...floe.anon, 'content-type': 'application/json', ...extra })

export async function post(floe: TestApp, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return floe.app.request(path, { method: 'POST', headers: json(floe, headers), body: JSON.stringify(body) })
}

export async function bodyOf<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T
}

/** The shared error shape, with better-auth's own code kept. */
export async function expectError(res: Response, status: number, code?: string): Promise<void> {
  const body = await bodyOf(res)
  expect({ status: res.status, keys: Object.keys(body).sort() }).toEqual({ status, keys: ['code', 'details', 'hint', 'message'] })
  if (code) expect(body.code).toBe(code)
}

/** GoTrue's error shape (the routes auth-js calls): Floe's four fields plus GoTrue's names, and its code. */
export async function expectGoTrueError(res: Response, status: number, code?: string): Promise<void> {
  const body = await bodyOf(res)
  expect({ status: res.status, keys: Object.keys(body).sort(), version: res.headers.get('x-supabase-api-version') }).toEqual({
    status, keys: ['code', 'details', 'error_code', 'hint', 'message', 'msg'].concat(body.weak_password ? ['weak_password'] : []).sort(), version: '2024-01-01',
  })
  expect(body.error_code).toBe(body.code)
  if (code) expect(body.code).toBe(code)
}

/** The link of the newest outbox email of a kind sent to an address (better-auth may send in the background). */
export async function linkFromOutbox(floe: TestApp, to: string, kind: string): Promise<URL> {
  for (let i = 0; i < 50; i++) {
    const r = await sql<{ text_body: string }>`select text_body from auth.outbox where to_address = ${to} and kind = ${kind}
                                              order by id desc limit 1`.execute(floe.database.db)
    const text = r.rows[0]?.text_body
    const m = text ? /https?:\/\/\S+/.exec(text) : null
    if (m) return new URL(m[0])
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`no ${kind} email to ${to} in auth.outbox`)
}

export async function outboxCount(floe: TestApp, to: string, kind: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from auth.outbox where to_address = ${to} and kind = ${kind}`.execute(floe.database.db)
  return Number(r.rows[0]?.n ?? 0)
}

/** Follows an emailed link in-process, as a browser (no apikey) would. */
export async function openLink(floe: TestApp, url: URL): Promise<Response> {
  return floe.app.request(url.pathname + url.search, { redirect: 'manual' })
}

export interface SignedIn {
  access_token: string
  refresh_token: string
  user: { id: string; email: string }
}

export async function signUpVerified(floe: TestApp, email: string, password: string): Promise<void> {
  const res = await post(floe, '/auth/v1/sign-up/email', { email, password, name: email.split('@')[0] })
  expect(res.status).toBe(200)
  const verify = await openLink(floe, await linkFromOutbox(floe, email, 'verify-email'))
  expect(verify.status).toBeLessThan(400)
}

export async function signIn(floe: TestApp, email: string, password: string): Promise<SignedIn> {
  const res = await post(floe, '/auth/v1/sign-in/email', { email, password })
  expect(res.status).toBe(200)
  return bodyOf<SignedIn>(res)
}
