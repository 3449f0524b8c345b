/**
 * Storage rules matrix (issue 6 acceptance): a bucket with per-user folders, rules written on
 * storage.objects like table rules (first folder = auth.uid()), then anon / user A / user B /
 * service × read / write / delete — on both backends. Every row asserts the status and that no
 * response to an outsider carries A's bytes or A's object name.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { BACKENDS, startBackend, type TestBackend } from './storage-helpers.js'

const A = '00000000-0000-4000-8000-0000000000aa'
const B = '00000000-0000-4000-8000-0000000000bb'
const SECRET = 'alice-private-bytes-7f3a'

const OWN_FOLDER = `bucket_id = 'homes' and (storage.foldername(name))[1] = (select auth.uid()::text)`
const RULES = [
  `create policy homes_read on storage.objects for select to authenticated using (${OWN_FOLDER})`,
  `create policy homes_write on storage.objects for insert to authenticated with check (${OWN_FOLDER})`,
  `create policy homes_update on storage.objects for update to authenticated using (${OWN_FOLDER}) with check (${OWN_FOLDER})`,
  `create policy homes_delete on storage.objects for delete to authenticated using (${OWN_FOLDER})`,
]

type Actor = 'anon' | 'A' | 'B' | 'service'

describe.each(BACKENDS)('storage rules on %s', (kind) => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: TestApp
  const headers: Record<Actor, Record<string, string>> = { anon: {}, A: {}, B: {}, service: {} }
  const call = async (who: Actor, method: string, path: string, body?: string, extra: Record<string, string> = {}) => {
    const res = await floe.app.request(`/storage/v1${path}`, { method, body, headers: { ...headers[who], ...extra } })
    const text = method === 'HEAD' ? '' : await res.text()
    return { status: res.status, text }
  }
  const json = (v: unknown) => JSON.stringify(v)
  const jsonHeaders = { 'content-type': 'application/json' }
  const seed = async () => {
    // Reset A's file before each write/delete row, as the service role.
    await call('service', 'POST', `/object/homes/${A}/note.txt`, SECRET, { 'content-type': 'text/plain', 'x-upsert': 'true' })
  }

  beforeAll(async () => {
    t = await createTestDatabase()
    backend = await startBackend(kind)
    floe = await buildTestApp(t, backend.env)
    headers.anon = floe.anon
    headers.service = floe.service
    headers.A = await floe.asUser({ sub: A })
    headers.B = await floe.asUser({ sub: B })
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    for (const rule of RULES) await c.query(rule)
    await c.end()
    expect((await call('service', 'POST', '/bucket', json({ name: 'homes' }), jsonHeaders)).status).toBe(201)
    await seed()
    await call('service', 'POST', `/object/homes/${B}/b.txt`, 'bob', { 'content-type': 'text/plain' })
  })
  afterAll(async () => {
    await floe?.close()
    await backend?.close()
    await t?.drop()
  })

  // [actor, expected status] per operation on A's object (or A's folder for writes).
  const READS: [Actor, number][] = [['anon', 404], ['A', 200], ['B', 404], ['service', 200]]
  const WRITES: [Actor, number][] = [['anon', 401], ['A', 200], ['B', 403], ['service', 200]]
  const DELETES: [Actor, number][] = [['anon', 404], ['A', 200], ['B', 404], ['service', 200]]

  const leaks = (who: Actor, text: string) => {
    if (who === 'A' || who === 'service') return
    // The bytes and any metadata of A's object (errors may echo the caller's own path back).
    expect(text).not.toContain(SECRET)
    expect(text).not.toMatch(/"(etag|size|mime_type|owner|user_metadata)"/)
  }

  it.each(READS)('read: %s → %i (download, info, HEAD, sign, list)', async (who, status) => {
    for (const [method, path, body] of [
      ['GET', `/object/homes/${A}/note.txt`],
      ['GET', `/object/info/homes/${A}/note.txt`],
      ['HEAD', `/object/homes/${A}/note.txt`],
      ['POST', `/object/sign/homes/${A}/note.txt`, json({ expiresIn: 60 })],
    ] as [string, string, string?][]) {
      const r = await call(who, method, path, body, body ? jsonHeaders : {})
      expect(r.status, `${who} ${method} ${path}`).toBe(who === 'anon' && method === 'HEAD' ? 404 : status)
      leaks(who, r.text)
    }
    // list-v2 lists every object with its full name; list (one level) shows a folder only if the
    // caller may read something in it.
    const list = await call(who, 'POST', '/object/list-v2/homes', json({ prefix: '' }), jsonHeaders)
    expect(list.status).toBe(200)
    const names = (JSON.parse(list.text) as { objects: { name: string }[] }).objects.map((o) => o.name).sort()
    expect(names).toEqual({ anon: [], A: [`${A}/note.txt`], B: [`${B}/b.txt`], service: [`${A}/note.txt`, `${B}/b.txt`] }[who])
    if (who === 'anon' || who === 'B') expect(list.text).not.toContain(A)
    const folders = await call(who, 'POST', '/object/list/homes', json({ prefix: '' }), jsonHeaders)
    expect((JSON.parse(folders.text) as { name: string }[]).map((o) => o.name).sort()).toEqual({ anon: [], A: [A], B: [B], service: [A, B] }[who])
    if (who === 'anon' || who === 'B') expect(folders.text).not.toContain(A)
  })

  it.each(WRITES)('write: %s → %i (new file in A/, overwrite, move into and copy out of A/)', async (who, status) => {
    await seed()
    const created = await call(who, 'POST', `/object/homes/${A}/from-${who}.txt`, 'x', { 'content-type': 'text/plain' })
    expect(created.status).toBe(status)
    const overwrite = await call(who, 'POST', `/object/homes/${A}/note.txt`, 'overwritten', { 'content-type': 'text/plain', 'x-upsert': 'true' })
    expect(overwrite.status).toBe(status)
    leaks(who, overwrite.text)
    const after = await call('service', 'GET', `/object/homes/${A}/note.txt`)
    expect(after.text).toBe(status === 200 ? 'overwritten' : SECRET)
    // Moving B's own file into A's folder is refused by the rule's WITH CHECK.
    if (who === 'B') expect((await call('B', 'POST', '/object/move', json({ bucketId: 'homes', sourceKey: `${B}/b.txt`, destinationKey: `${A}/planted.txt` }), jsonHeaders)).status).toBe(403)
    const copy = await call(who, 'POST', '/object/copy', json({ bucketId: 'homes', sourceKey: `${A}/note.txt`, destinationKey: `${B}/stolen-${who}.txt` }), jsonHeaders)
    expect(copy.status).toBe({ anon: 404, A: 403, B: 404, service: 200 }[who])
    leaks(who, copy.text)
  })

  it.each(DELETES)('delete: %s → %i (one, many, move away, empty is service-only)', async (who, status) => {
    await seed()
    const moved = await call(who, 'POST', '/object/move', json({ bucketId: 'homes', sourceKey: `${A}/note.txt`, destinationKey: `${A}/renamed.txt` }), jsonHeaders)
    expect(moved.status).toBe(status)
    if (status === 200) await call(who, 'POST', '/object/move', json({ bucketId: 'homes', sourceKey: `${A}/renamed.txt`, destinationKey: `${A}/note.txt` }), jsonHeaders)
    const many = await call(who, 'DELETE', '/object/homes', json({ prefixes: [`${A}/note.txt`] }), jsonHeaders)
    expect(many.status).toBe(200)
    expect(JSON.parse(many.text)).toHaveLength(status === 200 ? 1 : 0)
    await seed()
    const one = await call(who, 'DELETE', `/object/homes/${A}/note.txt`)
    expect(one.status).toBe(status)
    leaks(who, one.text)
    const still = await call('service', 'GET', `/object/homes/${A}/note.txt`)
    expect(still.status).toBe(status === 200 ? 404 : 200)
    // Buckets have no rules for these roles: they do not even see the bucket to empty it.
    if (who !== 'service') expect((await call(who, 'POST', '/bucket/homes/empty')).status).toBe(404)
  })
})
