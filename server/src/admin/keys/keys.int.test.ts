/**
 * The API keys as the dashboard's Settings screen sees them: listed in clear for admins only,
 * rotated with an audit entry in the same transaction (the old key refused at once), and an
 * env-given key listed as such and never rotated here. The routes are mounted on the test app as
 * admin/router.ts mounts them (registerKeyRoutes behind requireAdmin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRouter } from '../../http/index.js'
import { requireAdmin } from '../require-admin.js'
import { buildTestApp, TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SERVICE_KEY, type TestApp } from '../../../test/app.js'
import { createTestDatabase, type TestDatabase } from '../../../test/db.js'
import { call, expectErrorShape, sqlOn } from '../../../test/rules-helpers.js'
import { registerKeyRoutes } from './index.js'
import { createKeyService as createService } from './service.js'

let t: TestDatabase
let floe: TestApp

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t)
  const router = createRouter()
  router.use('*', requireAdmin(floe.database.pool))
  registerKeyRoutes(router, { withOwner: floe.database.withOwner, instanceKeys: floe.config })
  floe.app.route('/admin/v1', router)
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('GET /admin/v1/keys', () => {
  it('lists the env-given keys as such, for the service key', async () => {
    const res = await call(floe, 'GET', '/admin/v1/keys', floe.service)
    expect(res.status).toBe(200)
    expect(res.body).toEqual([
      { kind: 'anon', key: TEST_ANON_KEY, source: 'env', created_at: null },
      { kind: 'service', key: TEST_SERVICE_KEY, source: 'env', created_at: null },
    ])
  })

  it('refuses the anon key (401) and a signed-in non-admin (403)', async () => {
    expect((await call(floe, 'GET', '/admin/v1/keys', floe.anon)).status).toBe(401)
    const user = await floe.asUser({ sub: '00000000-0000-4000-8000-00000000000a', role: 'authenticated', session_id: '00000000-0000-4000-8000-00000000000b' })
    const res = await call(floe, 'GET', '/admin/v1/keys', user)
    expect(res.status).toBe(403)
    expectErrorShape(res.body, 'FORBIDDEN')
  })

  it('does not rotate an env-given key (400, naming the variable)', async () => {
    const res = await call(floe, 'POST', '/admin/v1/keys/anon/rotate', floe.service)
    expect(res.status).toBe(400)
    expectErrorShape(res.body, 'INVALID_INPUT')
    expect(res.body.details).toContain('FLOE_ANON_KEY')
    expect((await call(floe, 'POST', '/admin/v1/keys/other/rotate', floe.service)).status).toBe(400)
  })
})

describe('database keys', () => {
  it('lists them in clear and rotates one: new key, old one revoked, audit entry', async () => {
    const keys = createService({ withOwner: floe.database.withOwner, instanceKeys: { jwtSecret: TEST_JWT_SECRET, anonKey: undefined, serviceKey: undefined } })
    const before = await keys.list()
    expect(before.map((k) => [k.kind, k.source])).toEqual([['anon', 'database'], ['service', 'database']])
    const oldAnon = before[0]!.key
    expect(oldAnon).toMatch(/^floe_anon_/)

    const rotated = await keys.rotate('anon', { role: 'service_role', via: 'service-key', claims: {} } as never)
    expect(rotated.key).toMatch(/^floe_anon_/)
    expect(rotated.key).not.toBe(oldAnon)
    const after = await keys.list()
    expect(after.find((k) => k.kind === 'anon')!.key).toBe(rotated.key)
    expect(after.find((k) => k.kind === 'service')!.key).toBe(before[1]!.key)
    const active = await sqlOn<{ n: number }>(t.url, `select count(*)::int as n from floe.api_keys where kind = 'anon' and revoked_at is null`)
    expect(active[0]!.n).toBe(1)
    const audit = await sqlOn<{ action: string; target: string; actor: string }>(t.url, `select action, target, actor from floe.admin_audit_log where action = 'keys.rotate'`)
    expect(audit).toEqual([{ action: 'keys.rotate', target: 'anon', actor: 'service_key' }])
  })
})

