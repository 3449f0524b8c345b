/**
 * Storage through the real, unmodified @supabase/supabase-js 2.109 (issue 14) on both backends,
 * over HTTP: buckets (string sizes), upload/update/upsert with cacheControl and metadata, list
 * and listV2, download, exists, info, signed URLs (one and many), signed uploads, copy/move
 * (also across buckets), remove. Each answer is asserted in the shape storage-js hands the app.
 */
import { createHash } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { BACKENDS, serveFloeOnPort, startBackend, type TestBackend } from './storage-helpers.js'
import { supabaseClient } from './supabase-client.js'

const md5 = (s: string | Buffer) => `"${createHash('md5').update(s).digest('hex')}"`
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
const UUID = expect.stringMatching(/^[0-9a-f-]{36}$/)

describe.each(BACKENDS)('supabase-js storage on %s', (kind) => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: TestApp
  let served: { url: string; close(): Promise<void> }
  let sb: SupabaseClient

  beforeAll(async () => {
    t = await createTestDatabase()
    backend = await startBackend(kind)
    served = await serveFloeOnPort(async (url) => (floe = await buildTestApp(t, { ...backend.env, PUBLIC_URL: url })))
    sb = supabaseClient(served.url, TEST_SERVICE_KEY)
    expect((await sb.storage.createBucket('docs')).error).toBeNull()
    expect((await sb.storage.createBucket('other')).error).toBeNull()
  })
  afterAll(async () => {
    await served?.close()
    await floe?.close()
    await backend?.close()
    await t?.drop()
  })

  it('createBucket/getBucket/listBuckets/updateBucket/emptyBucket/deleteBucket, sizes as strings', async () => {
    const created = await sb.storage.createBucket('sized', { public: false, fileSizeLimit: '1MB', allowedMimeTypes: ['text/*'] })
    expect(created.error).toBeNull()
    expect(created.data).toMatchObject({ name: 'sized' })
    const got = await sb.storage.getBucket('sized')
    expect(got.data).toEqual({
      id: 'sized', name: 'sized', public: false, file_size_limit: 1_000_000, allowed_mime_types: ['text/*'], owner: null, created_at: ISO, updated_at: ISO,
    })
    for (const [size, bytes] of [['100kb', 100_000], ['1 GB', 1_000_000_000], ['1.5MB', 1_500_000], [2048, 2048], ['512', 512]] as const) {
      const r = await sb.storage.updateBucket('sized', { public: true, fileSizeLimit: size })
      expect(r.error).toBeNull()
      expect(r.data).toMatchObject({ message: 'Successfully updated' })
      expect((await sb.storage.getBucket('sized')).data).toMatchObject({ public: true, file_size_limit: bytes })
    }
    const bad = await sb.storage.createBucket('bad-size', { public: false, fileSizeLimit: 'lots' })
    expect(bad.error).toMatchObject({ name: 'StorageApiError', status: 400 })
    expect(bad.error!.message).toMatch(/file_size_limit.*expected a size like/)

    const all = await sb.storage.listBuckets()
    expect(all.data!.map((b) => b.name)).toEqual(['docs', 'other', 'sized'])
    const page = await sb.storage.listBuckets({ search: 'O', sortColumn: 'name', sortOrder: 'desc', limit: 1, offset: 1 })
    expect(page.data!.map((b) => b.name)).toEqual(['docs'])

    expect((await sb.storage.from('sized').upload('a.txt', 'x', { contentType: 'text/plain' })).error).toBeNull()
    expect((await sb.storage.deleteBucket('sized')).error).toMatchObject({ status: 409 })
    expect((await sb.storage.emptyBucket('sized')).data).toEqual({ message: 'Successfully emptied', deleted: 1 })
    expect((await sb.storage.deleteBucket('sized')).data).toEqual({ message: 'Successfully deleted' })
    expect((await sb.storage.getBucket('sized')).error).toMatchObject({ name: 'StorageApiError', status: 404, statusCode: '404', message: 'Bucket not found' })
  })

  it('upload (raw and Blob), upsert, update, download, exists, info — with cacheControl and metadata', async () => {
    const docs = sb.storage.from('docs')
    const up = await docs.upload('notes/a.txt', Buffer.from('hello'), { contentType: 'text/plain', cacheControl: '60', metadata: { album: 'x' } })
    expect(up.error).toBeNull()
    expect(up.data).toEqual({ path: 'notes/a.txt', id: UUID, fullPath: 'docs/notes/a.txt' })
    const blob = await docs.upload('notes/b.txt', new Blob(['blob body'], { type: 'text/markdown' }), { cacheControl: '120' })
    expect(blob.data).toEqual({ path: 'notes/b.txt', id: UUID, fullPath: 'docs/notes/b.txt' })

    const again = await docs.upload('notes/a.txt', Buffer.from('again'), { contentType: 'text/plain' })
    expect(again.error).toMatchObject({ status: 409 })
    expect((await docs.upload('notes/a.txt', Buffer.from('upserted'), { contentType: 'text/plain', upsert: true, cacheControl: '60' })).error).toBeNull()
    expect(await (await docs.download('notes/a.txt')).data!.text()).toBe('upserted')
    const updated = await docs.update('notes/a.txt', Buffer.from('updated!'), { contentType: 'text/plain', cacheControl: '60', metadata: { album: 'y' } })
    expect(updated.data).toEqual({ path: 'notes/a.txt', id: UUID, fullPath: 'docs/notes/a.txt' })

    const dl = await docs.download('notes/a.txt')
    expect(dl.error).toBeNull()
    expect(await dl.data!.text()).toBe('updated!')
    // The stored Cache-Control comes back on download (storage-js sends `max-age=<cacheControl>`).
    const raw = await fetch(`${served.url}/storage/v1/object/docs/notes/b.txt`, { headers: { apikey: TEST_SERVICE_KEY } })
    expect([raw.headers.get('cache-control'), raw.headers.get('content-type'), await raw.text()]).toEqual(['max-age=120', 'text/markdown', 'blob body'])

    expect(await docs.exists('notes/a.txt')).toEqual({ data: true, error: null })
    const missing = await docs.exists('notes/nope.txt')
    expect([missing.data, missing.error?.status]).toEqual([false, 404])

    const info = await docs.info('notes/a.txt')
    expect(info.error).toBeNull()
    expect(info.data).toMatchObject({
      id: UUID, name: 'notes/a.txt', bucketId: 'docs', size: 8, contentType: 'text/plain', cacheControl: 'max-age=60',
      etag: md5('updated!'), metadata: { album: 'y' }, lastModified: ISO, createdAt: ISO,
    })
    expect(info.data).not.toHaveProperty('version')
    expect((await docs.info('notes/nope.txt')).error).toMatchObject({ status: 404, message: 'Object not found' })
  })

  it('list: one level under the prefix, folders with id null, metadata; limit, offset, sortBy, search; listV2', async () => {
    const box = sb.storage.from('other')
    for (const [path, body] of [['lib/z.txt', 'zz'], ['lib/Alpha.txt', 'a'], ['lib/deep/x.txt', 'x'], ['lib/deep/more/y.txt', 'y'], ['top.txt', 't']]) {
      expect((await box.upload(path!, Buffer.from(body!), { contentType: 'text/plain', cacheControl: '30' })).error).toBeNull()
    }
    const lib = await box.list('lib')
    expect(lib.error).toBeNull()
    const file = (name: string, body: string) => ({
      name, id: UUID, updated_at: ISO, created_at: ISO, last_accessed_at: ISO,
      metadata: { eTag: md5(body), size: body.length, mimetype: 'text/plain', cacheControl: 'max-age=30', lastModified: ISO, contentLength: body.length, httpStatusCode: 200 },
    })
    const folder = (name: string) => ({ name, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null })
    expect(lib.data).toEqual([file('Alpha.txt', 'a'), folder('deep'), file('z.txt', 'zz')])
    expect((await box.list('lib/')).data).toEqual(lib.data)
    expect((await box.list()).data!.map((e) => e.name)).toEqual(['lib', 'top.txt'])
    expect((await box.list('lib/deep')).data!.map((e) => [e.name, e.id === null])).toEqual([['more', true], ['x.txt', false]])
    const names = async (options: Parameters<typeof box.list>[1]) => (await box.list('lib', options)).data!.map((e) => e.name)
    expect(await names({ limit: 2 })).toEqual(['Alpha.txt', 'deep'])
    expect(await names({ limit: 2, offset: 2 })).toEqual(['z.txt'])
    expect(await names({ sortBy: { column: 'name', order: 'desc' } })).toEqual(['z.txt', 'deep', 'Alpha.txt'])
    expect(await names({ sortBy: { column: 'created_at', order: 'desc' } })).toEqual(['deep', 'Alpha.txt', 'z.txt'])
    expect(await names({ search: 'al' })).toEqual(['Alpha.txt'])
    expect(await names({ search: 'de' })).toEqual(['deep'])
    expect((await box.list('nothing-here')).data).toEqual([])

    const flat = await box.listV2({ prefix: 'lib/' })
    expect(flat.error).toBeNull()
    expect(flat.data!.hasNext).toBe(false)
    expect(flat.data!.folders).toEqual([])
    expect(flat.data!.objects.map((o) => o.name)).toEqual(['lib/Alpha.txt', 'lib/deep/more/y.txt', 'lib/deep/x.txt', 'lib/z.txt'])
    expect(flat.data!.objects[0]).toMatchObject({ id: UUID, metadata: { size: 1, mimetype: 'text/plain' } })
    const delimited = await box.listV2({ prefix: 'lib/', with_delimiter: true })
    expect(delimited.data!.folders.map((f) => f.name)).toEqual(['lib/deep/'])
    expect(delimited.data!.objects.map((o) => o.name)).toEqual(['lib/Alpha.txt', 'lib/z.txt'])
    const first = await box.listV2({ prefix: 'lib/', limit: 3 })
    expect([first.data!.hasNext, first.data!.objects.length, typeof first.data!.nextCursor]).toEqual([true, 3, 'string'])
    const rest = await box.listV2({ prefix: 'lib/', limit: 3, cursor: first.data!.nextCursor! })
    expect([rest.data!.hasNext, rest.data!.objects.map((o) => o.name)]).toEqual([false, ['lib/z.txt']])
    expect((await box.listV2({ cursor: 'garbage' })).error).toMatchObject({ status: 400 })
  })

  it('createSignedUrl(s), createSignedUploadUrl + uploadToSignedUrl', async () => {
    const docs = sb.storage.from('docs')
    await docs.upload('signed/with space é.txt', Buffer.from('spaced'), { contentType: 'text/plain' })
    const one = await docs.createSignedUrl('signed/with space é.txt', 60)
    expect(one.error).toBeNull()
    expect(one.data!.signedUrl).toMatch(new RegExp(`^${served.url}/storage/v1/object/sign/docs/signed/with%20space%20%C3%A9\\.txt\\?token=`))
    expect(await (await fetch(one.data!.signedUrl)).text()).toBe('spaced')
    const asFile = await docs.createSignedUrl('signed/with space é.txt', 60, { download: 'x.txt' })
    expect((await fetch(asFile.data!.signedUrl)).headers.get('content-disposition')).toMatch(/^attachment; filename="x.txt"/)

    const many = await docs.createSignedUrls(['signed/with space é.txt', 'signed/missing.txt'], 60)
    expect(many.error).toBeNull()
    expect(many.data).toEqual([
      { error: null, path: 'signed/with space é.txt', signedURL: expect.stringMatching(/^\/object\/sign\/docs\/signed\/with space é\.txt\?token=/), signedUrl: expect.stringMatching(/^http/) },
      { error: 'Either the object does not exist or you do not have access to it', path: 'signed/missing.txt', signedURL: null, signedUrl: null },
    ])
    expect(await (await fetch(many.data![0]!.signedUrl!)).text()).toBe('spaced')
    expect((await docs.createSignedUrls([], 60)).error).toMatchObject({ status: 400 })

    const ticket = await docs.createSignedUploadUrl('inbox/up.txt')
    expect(ticket.error).toBeNull()
    expect(ticket.data).toEqual({ signedUrl: expect.stringContaining('/storage/v1/object/upload/sign/docs/inbox/up.txt?token='), path: 'inbox/up.txt', token: expect.any(String) })
    const put = await docs.uploadToSignedUrl('inbox/up.txt', ticket.data!.token, Buffer.from('via ticket'), { contentType: 'text/plain' })
    expect(put.data).toEqual({ path: 'inbox/up.txt', fullPath: 'docs/inbox/up.txt' })
    expect((await docs.uploadToSignedUrl('inbox/up.txt', ticket.data!.token, Buffer.from('twice'), { contentType: 'text/plain' })).error).toMatchObject({ status: 409 })
    const upsertTicket = await docs.createSignedUploadUrl('inbox/up.txt', { upsert: true })
    expect((await docs.uploadToSignedUrl('inbox/up.txt', upsertTicket.data!.token, Buffer.from('replaced'), { contentType: 'text/plain' })).error).toBeNull()
    expect(await (await docs.download('inbox/up.txt')).data!.text()).toBe('replaced')
  })

  it('copy and move (within and across buckets), remove many', async () => {
    const docs = sb.storage.from('docs')
    await docs.upload('cm/src.txt', Buffer.from('source'), { contentType: 'text/plain' })
    expect(await docs.copy('cm/src.txt', 'cm/copy.txt')).toEqual({ data: { path: 'docs/cm/copy.txt' }, error: null })
    expect(await docs.copy('cm/src.txt', 'in-other.txt', { destinationBucket: 'other' })).toEqual({ data: { path: 'other/in-other.txt' }, error: null })
    expect(await (await sb.storage.from('other').download('in-other.txt')).data!.text()).toBe('source')
    expect((await docs.copy('cm/src.txt', 'cm/copy.txt')).error).toMatchObject({ status: 409 })
    expect((await docs.copy('cm/nope.txt', 'cm/x.txt')).error).toMatchObject({ status: 404 })

    expect(await docs.move('cm/copy.txt', 'cm/moved.txt')).toEqual({ data: { message: 'Successfully moved', Id: UUID, Key: 'cm/moved.txt' }, error: null })
    expect(await docs.exists('cm/copy.txt')).toMatchObject({ data: false })
    expect((await docs.move('cm/moved.txt', 'cm/src.txt')).error).toMatchObject({ status: 409 })
    const across = await docs.move('cm/moved.txt', 'moved-here.txt', { destinationBucket: 'other' })
    expect(across.data).toEqual({ message: 'Successfully moved', Id: UUID, Key: 'moved-here.txt' })
    expect(await (await sb.storage.from('other').download('moved-here.txt')).data!.text()).toBe('source')
    expect(await docs.exists('cm/moved.txt')).toMatchObject({ data: false })

    const removed = await docs.remove(['cm/src.txt', 'cm/never.txt'])
    expect(removed.error).toBeNull()
    expect(removed.data!.map((o) => o.name)).toEqual(['cm/src.txt'])
    expect(await docs.list('cm')).toEqual({ data: [], error: null })
  })
})
