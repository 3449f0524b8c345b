/**
 * Issue 16, realtime on/off per table through /admin/v1 (admins only; the OpenAPI document lists
 * the routes), and that it decides what the change feed captures and accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { Collector, eventually, sleep, startReplica, user, type Replica } from './realtime-changes-helpers.js'
import { call, expectErrorShape, sqlOn, USER_A } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp
let replica: Replica

beforeAll(async () => {
  t = await createTestDatabase()
  await sqlOn(t.url, `create table public.posts (id int primary key, body text);
                      grant select on public.posts to authenticated;
                      alter table public.posts disable row level security;
                      create table public.keyless (body text);`)
  floe = await buildTestApp(t, { LOG_LEVEL: 'warn' })
  replica = startReplica(t.url)
})
afterAll(async () => {
  await replica?.close()
  await floe?.close()
  await t?.drop()
})

describe('/admin/v1/realtime/tables', () => {
  it('turns realtime on and off; the feed follows', async () => {
    expect(await call(floe, 'GET', '/admin/v1/realtime/tables', floe.service)).toEqual({ status: 200, body: [] })
    const spec = { event: 'INSERT', schema: 'public', table: 'posts' }
    await expect(replica.feed.subscribe(new Collector(user(USER_A)), [spec])).rejects.toThrow(/not enabled for realtime/)

    const on = await call(floe, 'PUT', '/admin/v1/realtime/tables/public.posts', floe.service)
    expect(on).toEqual({ status: 200, body: { schema: 'public', table: 'posts', realtime: true } })
    // Idempotent.
    expect((await call(floe, 'PUT', '/admin/v1/realtime/tables/public.posts', floe.service)).status).toBe(200)
    expect(await call(floe, 'GET', '/admin/v1/realtime/tables', floe.service)).toEqual({ status: 200, body: [{ schema: 'public', table: 'posts', realtime: true }] })

    const c = new Collector(user(USER_A))
    await replica.feed.subscribe(c, [spec])
    await sqlOn(t.url, `insert into public.posts values (1, 'hello')`)
    await eventually(() => expect(c.seen()).toMatchObject([{ type: 'INSERT', record: { id: 1, body: 'hello' } }]))

    const off = await call(floe, 'DELETE', '/admin/v1/realtime/tables/public.posts', floe.service)
    expect(off).toEqual({ status: 200, body: { schema: 'public', table: 'posts', realtime: false } })
    await sqlOn(t.url, `insert into public.posts values (2, 'unheard')`)
    await sleep(300)
    expect(c.got).toHaveLength(1)
    expect(await sqlOn(t.url, `select count(*)::int as n from realtime.changes c join pg_class r on r.oid = c.table_oid where r.relname = 'posts'`)).toEqual([{ n: 1 }])
    expect(await call(floe, 'GET', '/admin/v1/realtime/tables', floe.service)).toEqual({ status: 200, body: [] })
  })

  it('refuses a table without a primary key, an unknown table, and non-admins', async () => {
    const keyless = await call(floe, 'PUT', '/admin/v1/realtime/tables/public.keyless', floe.service)
    expect(keyless.status).toBe(400)
    expectErrorShape(keyless.body, 'INVALID_INPUT')
    expect((keyless.body as { message: string }).message).toMatch(/no primary key/)
    const ghost = await call(floe, 'PUT', '/admin/v1/realtime/tables/public.ghost', floe.service)
    expect(ghost.status).toBe(404)
    expectErrorShape(ghost.body, 'RULES_TABLE_NOT_FOUND')
    expect((await call(floe, 'PUT', '/admin/v1/realtime/tables/public.posts', floe.anon)).status).toBe(401)
    expect((await call(floe, 'GET', '/admin/v1/realtime/tables', floe.anon)).status).toBe(401)
  })

  it('is in the OpenAPI document', async () => {
    const res = await floe.app.request('/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { paths: Record<string, Record<string, { operationId?: string }>> }
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId))
    expect(ops).toEqual(expect.arrayContaining(['admin.listRealtimeTables', 'admin.enableTableRealtime', 'admin.disableTableRealtime']))
  })
})
