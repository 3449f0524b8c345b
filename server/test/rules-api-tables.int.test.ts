/**
 * Issue 19: every route that takes a table (rules, realtime on/off, database webhooks) reads it
 * through one parser: `<table>` in the default schema or `<schema>.<table>` of an exposed schema,
 * plus `storage.objects`, whose rules are storage's access rules (Supabase's storage policies).
 * The other platform schemas are a 400 naming why.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildJobsApp, json, testPrefix, type JobsTestApp } from './jobs-helpers.js'
import { call, expectErrorShape, sqlOn, USER_A, USER_B } from './rules-helpers.js'
import { startBackend, type TestBackend } from './storage-helpers.js'

const redisUrl = inject('redisUrl')
const OWN_FOLDER = `bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text)`

describe('rules on storage.objects and tables named either way', () => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: TestApp

  beforeAll(async () => {
    t = await createTestDatabase()
    await sqlOn(t.url, 'create table public.todos (id int primary key, owner_id uuid); create schema private; create table private.secrets (id int primary key)')
    backend = await startBackend('filesystem')
    floe = await buildTestApp(t, backend.env)
  })
  afterAll(async () => {
    await floe?.close()
    await backend?.close()
    await t?.drop()
  })

  const upload = async (who: Record<string, string>, path: string) => {
    const res = await floe.app.request(`/storage/v1/object/avatars/${path}`, { method: 'POST', body: 'png-bytes', headers: { ...who, 'content-type': 'image/png' } })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  it('writes "a user writes only under their own folder" as rules through the API, and storage obeys them', async () => {
    expect((await call(floe, 'POST', '/storage/v1/bucket', floe.service, { name: 'avatars' })).status).toBe(201)
    const a = await floe.asUser({ sub: USER_A })
    // No rule yet: storage.objects is fail-closed for users.
    expect((await upload(a, `${USER_A}/before.png`)).status).toBe(403)

    const write = await call(floe, 'POST', '/admin/v1/tables/storage.objects/rules', floe.service, { name: 'avatars_own_write', operation: 'insert', roles: ['authenticated'], check: OWN_FOLDER })
    expect(write.status).toBe(201)
    expect(write.body).toEqual([expect.objectContaining({ name: 'avatars_own_write', operation: 'insert', roles: ['authenticated'], using: null })])
    expect((write.body as { check: string }[])[0]!.check).toMatch(/foldername/)
    const read = await call(floe, 'POST', '/admin/v1/tables/storage.objects/rules', floe.service, { name: 'avatars_own_read', operation: 'select', roles: ['authenticated'], using: OWN_FOLDER })
    expect(read.status).toBe(201)
    const listed = await call(floe, 'GET', '/admin/v1/tables/storage.objects/rules', floe.service)
    expect((listed.body as { name: string }[]).map((r) => r.name)).toEqual(expect.arrayContaining(['avatars_own_read', 'avatars_own_write']))

    const own = await upload(a, `${USER_A}/me.png`)
    expect(own.status).toBe(200)
    expect(own.body.Key).toBe(`avatars/${USER_A}/me.png`)
    const other = await upload(a, `${USER_B}/me.png`)
    expect(other.status).toBe(403)
    expect((await upload(a, 'top-level.png')).status).toBe(403)
    // B may write B's own folder, never A's; A's file is still A's.
    const b = await floe.asUser({ sub: USER_B })
    expect((await upload(b, `${USER_B}/me.png`)).status).toBe(200)
    const names = await sqlOn<{ name: string }>(t.url, `select name from storage.objects where bucket_id = 'avatars' order by name`)
    expect(names.map((r) => r.name)).toEqual([`${USER_A}/me.png`, `${USER_B}/me.png`])
    const mine = await floe.app.request(`/storage/v1/object/avatars/${USER_A}/me.png`, { headers: a })
    expect(mine.status).toBe(200)
    expect(await mine.text()).toBe('png-bytes')
    expect((await floe.app.request(`/storage/v1/object/avatars/${USER_A}/me.png`, { headers: b })).status).toBe(404)

    // The explainer reads the table the same way, and says which rule lets A write A's folder.
    const explained = await call(floe, 'POST', '/admin/v1/rules/explain', floe.service, {
      table: 'storage.objects', operation: 'insert', identity: { role: 'authenticated', claims: { sub: USER_A } },
      row: { bucket_id: 'avatars', name: `${USER_A}/next.png` },
    })
    expect(explained.status).toBe(200)
    expect(explained.body).toMatchObject({ schema: 'storage', table: 'objects', outcome: 'allowed' })
    // The change is audited against the table as resolved.
    const audit = await sqlOn<{ target: string }>(t.url, `select target from floe.admin_audit_log where action = 'rules.create' order by id`)
    expect(audit.map((r) => r.target)).toEqual(['storage.objects', 'storage.objects'])
  })

  it('reads a bare name as the default schema, on the rules and realtime routes', async () => {
    const created = await call(floe, 'POST', '/admin/v1/tables/todos/rules', floe.service, { name: 'todos_read', template: { kind: 'public_read' } })
    expect(created.status).toBe(201)
    const qualified = await call(floe, 'GET', '/admin/v1/tables/public.todos/rules', floe.service)
    expect((qualified.body as { name: string }[]).map((r) => r.name)).toEqual(['todos_read'])
    const on = await call(floe, 'PUT', '/admin/v1/realtime/tables/todos', floe.service)
    expect(on).toEqual({ status: 200, body: { schema: 'public', table: 'todos', realtime: true } })
    expect((await call(floe, 'DELETE', '/admin/v1/realtime/tables/public.todos', floe.service)).status).toBe(200)
  })

  it('turns realtime on and off for storage.objects, and lists it while on', async () => {
    const on = await call(floe, 'PUT', '/admin/v1/realtime/tables/storage.objects', floe.service)
    expect(on).toEqual({ status: 200, body: { schema: 'storage', table: 'objects', realtime: true } })
    const listed = await call(floe, 'GET', '/admin/v1/realtime/tables', floe.service)
    expect(listed.body).toEqual(expect.arrayContaining([{ schema: 'storage', table: 'objects', realtime: true }]))
    expect((await call(floe, 'DELETE', '/admin/v1/realtime/tables/storage.objects', floe.service)).status).toBe(200)
    const after = await call(floe, 'GET', '/admin/v1/realtime/tables', floe.service)
    expect((after.body as { schema: string }[]).filter((t) => t.schema === 'storage')).toEqual([])
  })

  const REFUSED: [string, string, number, RegExp][] = [
    ['GET', '/admin/v1/tables/auth.users/rules', 400, /platform schema auth/],
    ['POST', '/admin/v1/tables/floe.queues/rules', 400, /platform schema floe/],
    ['GET', '/admin/v1/tables/storage.buckets/rules', 400, /platform schema storage/],
    ['POST', '/admin/v1/tables/realtime.messages/rls', 400, /platform schema realtime/],
    ['PUT', '/admin/v1/realtime/tables/auth.users', 400, /platform schema auth/],
    ['GET', '/admin/v1/tables/private.secrets/rules', 400, /Schema "private" is not exposed/],
    ['GET', '/admin/v1/tables/a.b.c/rules', 400, /expected <table> or <schema>\.<table>/],
    ['GET', '/admin/v1/tables/nope/rules', 404, /./],
  ]
  it.each(REFUSED)('%s %s → %i naming why', async (method, path, status, why) => {
    const body = path.endsWith('/rls') ? { enabled: false } : method === 'POST' ? { name: 'x', operation: 'select', roles: ['anon'], using: 'true' } : undefined
    const res = await call(floe, method, path, floe.service, body)
    expect(res.status).toBe(status)
    const e = res.body as { code: string; message: string; details: string | null }
    expect(e.code).toBe(status === 404 ? 'RULES_TABLE_NOT_FOUND' : 'INVALID_INPUT')
    expect(`${e.message} ${e.details ?? ''}`).toMatch(why)
  })
})

describe.skipIf(!redisUrl)('webhooks take the table as the rules API does', () => {
  let t: TestDatabase
  let floe: JobsTestApp
  let n = 0

  beforeAll(async () => {
    t = await createTestDatabase()
    await sqlOn(t.url, 'create table public.projects (id int primary key, name text); create schema private; create table private.secrets (id int primary key)')
    floe = await buildJobsApp(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix() }, { workers: false })
  })
  afterAll(async () => {
    await floe?.close()
    await t?.drop()
  })

  const create = async (fields: Record<string, unknown>) => {
    const res = await floe.app.request('/jobs/v1/admin/webhooks', {
      method: 'POST',
      headers: json(floe.service),
      body: JSON.stringify({ name: `hook-${++n}`, events: ['insert'], url: 'http://127.0.0.1:9/hook', ...fields }),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  it.each([
    ['public.projects', { table: 'public.projects' }, { schema: 'public', table: 'projects' }],
    ['projects', { table: 'projects' }, { schema: 'public', table: 'projects' }],
    ['schema + bare table (the older form)', { schema: 'public', table: 'projects' }, { schema: 'public', table: 'projects' }],
    ['storage.objects', { table: 'storage.objects' }, { schema: 'storage', table: 'objects' }],
  ])('accepts %s', async (_, fields, expected) => {
    const res = await create(fields)
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject(expected)
  })

  it('fires on public.projects: the row trigger writes the event to the outbox', async () => {
    await sqlOn(t.url, `insert into public.projects values (1, 'p')`)
    const rows = await sqlOn<{ n: number }>(t.url, `select count(*)::int as n from floe.outbox`)
    expect(rows[0]!.n).toBeGreaterThan(0)
  })

  it.each([
    ['auth.users', { table: 'auth.users' }, /platform schema auth/],
    ['floe.webhooks', { table: 'floe.webhooks' }, /platform schema floe/],
    ['schema auth + bare users', { schema: 'auth', table: 'users' }, /platform schema auth/],
    ['a schema not exposed', { table: 'private.secrets' }, /Schema "private" is not exposed/],
    ['a schema that disagrees', { schema: 'private', table: 'public.projects' }, /disagrees/],
  ])('refuses %s with a 400 naming why', async (_, fields, why) => {
    const res = await create(fields)
    expect(res.status).toBe(400)
    expectErrorShape(res.body, 'INVALID_INPUT')
    expect(`${res.body.message as string} ${(res.body.details as string | null) ?? ''}`).toMatch(why)
  })

  it('answers 404 for a table that does not exist', async () => {
    const res = await create({ table: 'public.nope' })
    expect(res.status).toBe(404)
    expectErrorShape(res.body, 'JOBS_TABLE_NOT_FOUND')
  })
})
