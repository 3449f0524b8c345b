/**
 * Issue 18: every admin route, as the OpenAPI document lists them, walked as nobody, with the
 * anon key, as a signed-in non-admin, as an admin and with the service key. The first three are
 * refused (401/403) before the route does anything; the last two get past the guard (whatever
 * the route then answers for placeholder parameters: never 401/403). Only the setup routes are
 * public, and they are checked for that too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { signIn, signUpVerified } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { sqlOn } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp
let routes: { method: string; path: string }[]
let adminHeaders: Record<string, string>
let userHeaders: Record<string, string>

/** Public by design: the first-admin setup (it needs the one-time token instead). */
const PUBLIC = new Set(['GET /admin/v1/setup', 'POST /admin/v1/setup'])
/** Routes outside the OpenAPI document (the data API's dynamic ones). */
const EXTRA = [
  { method: 'GET', path: '/admin/v1/rest/things' },
  { method: 'POST', path: '/admin/v1/rest/things' },
  { method: 'PATCH', path: '/admin/v1/rest/things' },
  { method: 'DELETE', path: '/admin/v1/rest/things' },
  { method: 'POST', path: '/admin/v1/rest/rpc/f' },
]

const fill = (path: string) =>
  path.replace(/\{([^}]+)\}/g, (_, name: string) => (name === 'id' || name.endsWith('_id') ? '00000000-0000-4000-8000-000000000001' : name === 'table' ? 'public.things' : 'x'))

async function status(method: string, path: string, headers: Record<string, string>): Promise<number> {
  const hasBody = method !== 'GET' && method !== 'DELETE'
  const res = await floe.app.request(path, {
    method,
    headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
    ...(hasBody ? { body: '{}' } : {}),
  })
  await res.arrayBuffer()
  return res.status
}

beforeAll(async () => {
  t = await createTestDatabase()
  await sqlOn(t.url, 'create table public.things (id int primary key)')
  floe = await buildTestApp(t, { LOG_LEVEL: 'silent' })
  const doc = (await (await floe.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> }
  routes = Object.entries(doc.paths)
    .filter(([p]) => p.startsWith('/admin/v1/'))
    .flatMap(([p, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => ({ method: m.toUpperCase(), path: fill(p) })))
  await signUpVerified(floe, 'boss@floe.test', 'a long admin passphrase 1')
  await signUpVerified(floe, 'pleb@floe.test', 'a long user passphrase 1')
  await sqlOn(t.url, `update auth.users set role = 'admin' where email = 'boss@floe.test'`)
  adminHeaders = { ...floe.anon, authorization: `Bearer ${(await signIn(floe, 'boss@floe.test', 'a long admin passphrase 1')).access_token}` }
  userHeaders = { ...floe.anon, authorization: `Bearer ${(await signIn(floe, 'pleb@floe.test', 'a long user passphrase 1')).access_token}` }
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('every /admin/v1 route', () => {
  it('is listed: the schema editor, SQL runner, users, rules, realtime, audit and types are all there', () => {
    const listed = new Set(routes.map((r) => `${r.method} ${r.path.split('/').slice(0, 4).join('/')}`))
    for (const area of ['GET /admin/v1/tables', 'POST /admin/v1/sql', 'GET /admin/v1/users', 'GET /admin/v1/audit', 'GET /admin/v1/rules', 'GET /admin/v1/realtime', 'GET /admin/v1/types', 'GET /admin/v1/outbox']) {
      expect(listed, area).toContain(area)
    }
    expect(routes.length).toBeGreaterThan(40)
  })

  it('refuses nobody, the anon key and a signed-in non-admin; lets an admin and the service key past the guard', async () => {
    const wrong: string[] = []
    for (const r of [...routes, ...EXTRA]) {
      const name = `${r.method} ${r.path}`
      if (PUBLIC.has(name)) continue
      const seen = {
        nobody: await status(r.method, r.path, {}),
        anon: await status(r.method, r.path, floe.anon),
        user: await status(r.method, r.path, userHeaders),
        admin: await status(r.method, r.path, adminHeaders),
        service: await status(r.method, r.path, floe.service),
      }
      if (seen.nobody !== 401 || seen.anon !== 401 || seen.user !== 403) wrong.push(`${name}: ${JSON.stringify(seen)}`)
      if ([401, 403].includes(seen.admin) && !name.startsWith('GET /admin/v1/types')) wrong.push(`${name}: admin refused ${seen.admin}`)
      if ([401, 403].includes(seen.service)) wrong.push(`${name}: service key refused ${seen.service}`)
      if (seen.admin >= 500 || seen.service >= 500) wrong.push(`${name}: 5xx ${JSON.stringify(seen)}`)
    }
    expect(wrong).toEqual([])
  }, 120_000)

  it('serves the setup routes without credentials', async () => {
    expect(await status('GET', '/admin/v1/setup', {})).toBe(200)
    // Reached without credentials: a body without a token is the route's own 400, a wrong token its 403/409.
    expect(await status('POST', '/admin/v1/setup', {})).toBe(400)
    const res = await floe.app.request('/admin/v1/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'a'.repeat(64), email: 'x@floe.test', password: 'a long passphrase 1' }),
    })
    expect([403, 409]).toContain(res.status)
  })
})
