/**
 * Issue 15 item 12: a signed-upload URL is handed out only to a caller the upload itself would
 * accept (the rules' insert check on storage.objects), and a refused caller cannot tell a private
 * bucket from one that does not exist. A caller the rules let in still gets its URL and uploads.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startBackend, type TestBackend } from './storage-helpers.js'

const A = '00000000-0000-4000-8000-0000000000aa'
const B = '00000000-0000-4000-8000-0000000000bb'
const OWN_FOLDER = `bucket_id = 'inbox' and (storage.foldername(name))[1] = (select auth.uid()::text)`

describe('signed upload URLs', () => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: TestApp
  const sign = async (headers: Record<string, string>, path: string) => {
    const res = await floe.app.request(`/storage/v1/object/upload/sign/${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  beforeAll(async () => {
    t = await createTestDatabase()
    backend = await startBackend('filesystem')
    floe = await buildTestApp(t, backend.env)
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    // An upload returns its row, so it needs the read rule too.
    await c.query(`create policy inbox_read on storage.objects for select to authenticated using (${OWN_FOLDER})`)
    await c.query(`create policy inbox_write on storage.objects for insert to authenticated with check (${OWN_FOLDER})`)
    await c.end()
    for (const name of ['inbox', 'private-docs']) {
      const res = await floe.app.request('/storage/v1/bucket', { method: 'POST', headers: { ...floe.service, 'content-type': 'application/json' }, body: JSON.stringify({ name }) })
      expect(res.status).toBe(201)
    }
  })
  afterAll(async () => {
    await floe?.close()
    await backend?.close()
    await t?.drop()
  })

  it('refuses the anon key on a private bucket as the upload would, and the same for a bucket that does not exist', async () => {
    const upload = await floe.app.request('/storage/v1/object/private-docs/x.txt', { method: 'POST', headers: { ...floe.anon, 'content-type': 'text/plain' }, body: 'x' })
    const existing = await sign(floe.anon, 'private-docs/x.txt')
    const missing = await sign(floe.anon, 'no-such-bucket/x.txt')
    expect(existing.status).toBe(upload.status)
    expect(existing.status).toBe(401)
    expect(existing.body).not.toHaveProperty('token')
    expect(missing).toEqual(existing)
  })

  it('refuses a user outside the rules alike for an existing and a missing bucket', async () => {
    const bob = await floe.asUser({ sub: B })
    const existing = await sign(bob, `inbox/${A}/x.txt`)
    const missing = await sign(bob, `no-such-bucket/${A}/x.txt`)
    expect(existing.status).toBe(403)
    expect(missing).toEqual(existing)
  })

  it('still signs for a caller the rules let in, and the URL uploads', async () => {
    const alice = await floe.asUser({ sub: A })
    const ok = await sign(alice, `inbox/${A}/hello.txt`)
    expect(ok.status).toBe(200)
    const put = await floe.app.request(`/storage/v1${ok.body.url as string}`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' })
    expect(put.status).toBe(200)
    expect((await sign(floe.service, 'private-docs/y.txt')).status).toBe(200)
    expect((await sign(floe.service, 'no-such-bucket/y.txt')).status).toBe(404)
  })
})
