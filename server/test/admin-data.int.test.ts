/**
 * Issue 18: the table editor's rows at /admin/v1/rest (the data API's grammar as service_role,
 * for admins only) and the audit log every admin change writes (GET /admin/v1/audit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { signIn, signUpVerified } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { call, expectErrorShape, sqlOn, waitServed } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp
let adminHeaders: Record<string, string>
let userHeaders: Record<string, string>

beforeAll(async () => {
  t = await createTestDatabase()
  // RLS on and no rule: no API role sees a row through /rest/v1.
  await sqlOn(t.url, `create table public.things (id int primary key, name text not null, owner_id uuid default auth.uid());
                      insert into public.things (id, name) select i, 'thing ' || i from generate_series(1, 30) i`)
  floe = await buildTestApp(t, { LOG_LEVEL: 'warn' })
  await waitServed(floe, 'things')
  await signUpVerified(floe, 'chief@floe.test', 'a long admin passphrase 1')
  await signUpVerified(floe, 'plain@floe.test', 'a long user passphrase 1')
  await sqlOn(t.url, `update auth.users set role = 'admin' where email = 'chief@floe.test'`)
  const admin = await signIn(floe, 'chief@floe.test', 'a long admin passphrase 1')
  const plain = await signIn(floe, 'plain@floe.test', 'a long user passphrase 1')
  adminHeaders = { ...floe.anon, authorization: `Bearer ${admin.access_token}` }
  userHeaders = { ...floe.anon, authorization: `Bearer ${plain.access_token}` }
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('/admin/v1/rest', () => {
  it('refuses nobody, the anon key and a signed-in non-admin', async () => {
    expect((await call(floe, 'GET', '/admin/v1/rest/things', {})).status).toBe(401)
    expect((await call(floe, 'GET', '/admin/v1/rest/things', floe.anon)).status).toBe(401)
    const plain = await call(floe, 'GET', '/admin/v1/rest/things', userHeaders)
    expect(plain.status).toBe(403)
    expectErrorShape(plain.body, 'FORBIDDEN')
    expect((await call(floe, 'POST', '/admin/v1/rest/things', userHeaders, { id: 99, name: 'sneaky' })).status).toBe(403)
    expect(await sqlOn(t.url, 'select 1 from public.things where id = 99')).toEqual([])
  })

  it('serves every row to an admin, in PostgREST grammar, where /rest/v1 shows a user nothing', async () => {
    const asUser = await call(floe, 'GET', '/rest/v1/things?select=id', userHeaders)
    expect(asUser).toEqual({ status: 200, body: [] })
    const res = await floe.app.request('/admin/v1/rest/things?select=id,name&id=gt.25&order=id.desc&limit=2', {
      headers: { ...adminHeaders, prefer: 'count=exact', range: '0-1' },
    })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe('0-1/5')
    expect(await res.json()).toEqual([{ id: 30, name: 'thing 30' }, { id: 29, name: 'thing 29' }])
    expect((await call(floe, 'GET', '/admin/v1/rest/things?select=id', floe.service)).body).toHaveLength(30)
    const bad = await call(floe, 'GET', '/admin/v1/rest/things?id=nope.1', adminHeaders)
    expect(bad.status).toBe(400)
    expect((bad.body as { code: string }).code).toBe('PGRST100')
  })

  it('inserts, edits and deletes as the admin, each change in the audit log', async () => {
    const inserted = await floe.app.request('/admin/v1/rest/things', {
      method: 'POST',
      headers: { ...adminHeaders, 'content-type': 'application/json', prefer: 'return=representation' },
      body: JSON.stringify({ id: 100, name: 'new' }),
    })
    expect(inserted.status).toBe(201)
    const [row] = (await inserted.json()) as { owner_id: string }[]
    // The admin's own claims stay: a default of auth.uid() names them.
    const [chief] = await sqlOn<{ id: string }>(t.url, `select id::text from auth.users where email = 'chief@floe.test'`)
    expect(row?.owner_id).toBe(chief?.id)
    expect((await call(floe, 'PATCH', '/admin/v1/rest/things?id=eq.100', adminHeaders, { name: 'renamed' })).status).toBe(204)
    expect((await call(floe, 'DELETE', '/admin/v1/rest/things?id=eq.100', adminHeaders)).status).toBe(204)
    expect(await sqlOn(t.url, 'select 1 from public.things where id = 100')).toEqual([])

    const audit = await call(floe, 'GET', '/admin/v1/audit?action=data.', adminHeaders)
    expect(audit.status).toBe(200)
    expect((audit.body as { action: string; target: string; actor: string; actor_id: string; details: { query: string } }[]).map((e) => [e.action, e.target, e.actor, e.actor_id, e.details.query])).toEqual([
      ['data.delete', 'things', 'chief@floe.test', chief?.id, 'id=eq.100'],
      ['data.update', 'things', 'chief@floe.test', chief?.id, 'id=eq.100'],
      ['data.insert', 'things', 'chief@floe.test', chief?.id, ''],
    ])
    // A refused write leaves no entry.
    expect((await call(floe, 'POST', '/admin/v1/rest/things', adminHeaders, { id: 1, name: 'dup' })).status).toBe(409)
    expect(((await call(floe, 'GET', '/admin/v1/audit?action=data.insert', floe.service)).body as unknown[]).length).toBe(1)
  })
})

describe('/admin/v1/rest through the Node server', () => {
  it("reads an admin's write body after the guard's own await (the adapter's Request had taken the stream)", async () => {
    const res = await floe.http('http://floe.test/admin/v1/rest/things', {
      method: 'POST',
      headers: { ...adminHeaders, 'content-type': 'application/json', prefer: 'return=representation' },
      body: JSON.stringify({ id: 200, name: 'over the wire' }),
      signal: AbortSignal.timeout(10_000),
    })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject([{ id: 200, name: 'over the wire' }])
    const patched = await floe.http('http://floe.test/admin/v1/rest/things?id=eq.200', {
      method: 'PATCH',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'patched' }),
      signal: AbortSignal.timeout(10_000),
    })
    expect(patched.status).toBe(204)
    expect(await sqlOn(t.url, 'select name from public.things where id = 200')).toEqual([{ name: 'patched' }])
  })
})

describe('/admin/v1/audit', () => {
  it('records rule and realtime changes with the SQL that ran; a refused change records nothing', async () => {
    const created = await call(floe, 'POST', '/admin/v1/tables/public.things/rules', adminHeaders, { name: 'things_read', template: { kind: 'public_read' } })
    expect(created.status).toBe(201)
    expect((await call(floe, 'PUT', '/admin/v1/realtime/tables/public.things', floe.service)).status).toBe(200)
    expect((await call(floe, 'POST', '/admin/v1/tables/public.things/rls', adminHeaders, { enabled: false })).status).toBe(200)
    expect((await call(floe, 'POST', '/admin/v1/tables/public.things/rules', adminHeaders, { name: 'bad', operation: 'select', roles: ['anon'], using: 'nope = 1' })).status).toBe(400)
    const entries = (await call(floe, 'GET', '/admin/v1/audit?limit=3', floe.service)).body as { action: string; actor: string; target: string; sql: string }[]
    expect(entries.map((e) => [e.action, e.actor, e.target])).toEqual([
      ['rules.disable_rls', 'chief@floe.test', 'public.things'],
      ['realtime.enable', 'service_key', 'public.things'],
      ['rules.create', 'chief@floe.test', 'public.things'],
    ])
    expect(entries[0]!.sql).toBe('alter table "public"."things" disable row level security;')
    expect(entries[1]!.sql).toBe(`select realtime.enable_table('"public"."things"'::regclass);`)
    expect(entries[2]!.sql).toBe('create policy "things_read" on "public"."things" as permissive for select to "anon", "authenticated" using (true);')
    await sqlOn(t.url, 'alter table public.things enable row level security')
  })

  it('pages newest first and refuses non-admins and bad filters', async () => {
    const first = (await call(floe, 'GET', '/admin/v1/audit?limit=2', floe.service)).body as { id: number }[]
    expect(first).toHaveLength(2)
    expect(first[0]!.id).toBeGreaterThan(first[1]!.id)
    const next = (await call(floe, 'GET', `/admin/v1/audit?limit=2&before=${first[1]!.id}`, floe.service)).body as { id: number }[]
    expect(next.length).toBeGreaterThan(0)
    expect(next.every((e) => e.id < first[1]!.id)).toBe(true)
    expect(next.map((e) => e.id)).toEqual(next.map((e) => e.id).sort((a, b) => b - a))
    expect((await call(floe, 'GET', '/admin/v1/audit', userHeaders)).status).toBe(403)
    expect((await call(floe, 'GET', '/admin/v1/audit', floe.anon)).status).toBe(401)
    const bad = await call(floe, 'GET', "/admin/v1/audit?action=x';drop", floe.service)
    expect(bad.status).toBe(400)
    expectErrorShape(bad.body, 'INVALID_INPUT')
    expect((await call(floe, 'GET', '/admin/v1/audit?limit=100000', floe.service)).status).toBe(400)
  })
})
