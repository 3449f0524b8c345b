/**
 * Storage acceptance (issue 6) on both backends: s3rver through the minio client, and the
 * zero-config filesystem store. Buckets API, object lifecycle, Range, ETag, signed and public
 * URLs, limits, upsert, move/copy, list paging.
 */
import { createHash } from 'node:crypto'
import pg from 'pg'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { BACKENDS, startBackend, type TestBackend } from './storage-helpers.js'

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')

describe.each(BACKENDS)('storage on %s', (kind) => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: TestApp
  const req = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    floe.app.request(`/storage/v1${path}`, { ...init, headers: { ...floe.service, ...init.headers } })
  const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  const rowCount = async (bucket: string) => {
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    try {
      return Number((await c.query('select count(*) from storage.objects where bucket_id = $1', [bucket])).rows[0].count)
    } finally {
      await c.end()
    }
  }

  beforeAll(async () => {
    t = await createTestDatabase()
    backend = await startBackend(kind)
    floe = await buildTestApp(t, { ...backend.env, PUBLIC_URL: 'http://floe.test', STORAGE_MAX_UPLOAD_SIZE: '1mb' })
  })
  afterAll(async () => {
    await floe?.close()
    await backend?.close()
    await t?.drop()
  })

  it('manages buckets: create, list, get, update, refuse deleting a non-empty one, empty, delete', async () => {
    expect((await req('/bucket', { method: 'POST', ...json({ name: 'docs-a' }) })).status).toBe(201)
    expect((await req('/bucket', { method: 'POST', ...json({ name: 'docs-a' }) })).status).toBe(409)
    expect((await req('/bucket', { method: 'POST', ...json({ name: 'X' }) })).status).toBe(400)
    expect((await req('/bucket', { method: 'POST', ...json({ name: 'public' }) })).status).toBe(400)
    const list = (await (await req('/bucket')).json()) as { id: string }[]
    expect(list.map((b: { id: string }) => b.id)).toContain('docs-a')
    const updated = await req('/bucket/docs-a', { method: 'PUT', ...json({ public: true, file_size_limit: 1000, allowed_mime_types: ['text/*'] }) })
    expect(await updated.json()).toMatchObject({ id: 'docs-a', public: true, file_size_limit: 1000, allowed_mime_types: ['text/*'] })
    expect((await req('/object/docs-a/a.txt', { method: 'POST', body: 'hi', headers: { 'content-type': 'text/plain' } })).status).toBe(200)
    const refused = await req('/bucket/docs-a', { method: 'DELETE' })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({ code: 'STORAGE_BUCKET_NOT_EMPTY' })
    expect(await (await req('/bucket/docs-a/empty', { method: 'POST' })).json()).toMatchObject({ deleted: 1 })
    expect((await req('/bucket/docs-a', { method: 'DELETE' })).status).toBe(200)
    expect((await req('/bucket/docs-a')).status).toBe(404)
    const asAnon = { method: 'POST', body: JSON.stringify({ name: 'nope' }), headers: { ...floe.anon, 'content-type': 'application/json' } }
    expect((await floe.app.request('/storage/v1/bucket', asAnon)).status).toBe(401)
    const asUser = { ...asAnon, headers: { ...(await floe.asUser({ sub: crypto.randomUUID() })), 'content-type': 'application/json' } }
    expect((await floe.app.request('/storage/v1/bucket', asUser)).status).toBe(403)
  })

  it('runs an object lifecycle: upload, info, HEAD, download, Range, ETag, upsert, move, copy, delete', async () => {
    await req('/bucket', { method: 'POST', ...json({ name: 'life' }) })
    const body = Buffer.from('0123456789abcdefghij')
    const up = await req('/object/life/dir/file.txt', { method: 'POST', body, headers: { 'content-type': 'text/plain' } })
    expect(up.status).toBe(200)
    const etag = `"${createHash('md5').update(body).digest('hex')}"`
    expect(await up.json()).toMatchObject({ Key: 'life/dir/file.txt', size: 20, mime_type: 'text/plain', etag })

    expect((await req('/object/life/dir/file.txt', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(409)
    const info = (await (await req('/object/info/life/dir/file.txt')).json()) as Record<string, unknown>
    expect(info).toMatchObject({ name: 'dir/file.txt', size: 20, etag })
    expect(info).not.toHaveProperty('version')

    const head = await req('/object/life/dir/file.txt', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('20')

    const get = await req('/object/life/dir/file.txt')
    expect(get.headers.get('content-type')).toBe('text/plain')
    expect(get.headers.get('etag')).toBe(etag)
    expect(get.headers.get('content-disposition')).toContain('inline; filename="file.txt"')
    expect(Buffer.from(await get.arrayBuffer())).toEqual(body)
    const dl = await req('/object/life/dir/file.txt?download=report.txt')
    expect(dl.headers.get('content-disposition')).toContain('attachment; filename="report.txt"')
    await dl.arrayBuffer()

    const part = await req('/object/life/dir/file.txt', { headers: { range: 'bytes=5-9' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 5-9/20')
    expect(await part.text()).toBe('56789')
    expect(await (await req('/object/life/dir/file.txt', { headers: { range: 'bytes=-3' } })).text()).toBe('hij')
    expect(await (await req('/object/life/dir/file.txt', { headers: { range: 'bytes=15-' } })).text()).toBe('fghij')
    const bad = await req('/object/life/dir/file.txt', { headers: { range: 'bytes=50-60' } })
    expect(bad.status).toBe(416)
    expect(bad.headers.get('content-range')).toBe('bytes */20')
    expect((await req('/object/life/dir/file.txt', { headers: { 'if-none-match': etag } })).status).toBe(304)

    const upsert = await req('/object/life/dir/file.txt', { method: 'POST', body: 'new', headers: { 'content-type': 'text/plain', 'x-upsert': 'true' } })
    expect(upsert.status).toBe(200)
    expect(await (await req('/object/life/dir/file.txt')).text()).toBe('new')
    expect(await backend.listKeys()).toHaveLength(1) // the replaced bytes are gone

    const moved = await req('/object/move', { method: 'POST', ...json({ bucketId: 'life', sourceKey: 'dir/file.txt', destinationKey: 'other/moved.txt' }) })
    expect(moved.status).toBe(200)
    expect((await req('/object/life/dir/file.txt')).status).toBe(404)
    expect(await (await req('/object/life/other/moved.txt')).text()).toBe('new')
    const copied = await req('/object/copy', { method: 'POST', ...json({ bucketId: 'life', sourceKey: 'other/moved.txt', destinationKey: 'copy.txt' }) })
    expect(copied.status).toBe(200)
    expect(await (await req('/object/life/copy.txt')).text()).toBe('new')
    expect(await backend.listKeys()).toHaveLength(2)

    expect((await req('/object/life/copy.txt', { method: 'DELETE' })).status).toBe(200)
    expect((await req('/object/life/copy.txt', { method: 'DELETE' })).status).toBe(404)
    const many = await req('/object/life', { method: 'DELETE', ...json({ prefixes: ['other/moved.txt', 'missing.txt'] }) })
    expect(((await many.json()) as { name: string }[]).map((o) => o.name)).toEqual(['other/moved.txt'])
    expect(await rowCount('life')).toBe(0)
    expect(await backend.listKeys()).toHaveLength(0)
  })

  it('uploads multipart/form-data with metadata', async () => {
    await req('/bucket', { method: 'POST', ...json({ name: 'forms' }) })
    const form = new FormData()
    form.append('metadata', JSON.stringify({ album: 'x' }))
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'pic.png')
    const res = await req('/object/forms/pic.png', { method: 'POST', body: form })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ size: PNG.length, mime_type: 'image/png', user_metadata: { album: 'x' } })
    expect(Buffer.from(await (await req('/object/forms/pic.png')).arrayBuffer())).toEqual(PNG)
    const empty = new FormData()
    empty.append('note', 'no file')
    expect((await req('/object/forms/none.png', { method: 'POST', body: empty })).status).toBe(400)
  })

  it('enforces size and MIME limits (declared and sniffed) and leaves nothing behind', async () => {
    await req('/bucket', { method: 'POST', ...json({ name: 'limits', file_size_limit: 100, allowed_mime_types: ['image/png', 'text/plain'] }) })
    const before = (await backend.listKeys()).length
    const big = await req('/object/limits/big.txt', { method: 'POST', body: Buffer.alloc(101), headers: { 'content-type': 'text/plain' } })
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ code: 'STORAGE_OBJECT_TOO_LARGE', hint: expect.any(String) })
    // No Content-Length (a stream): the limit is enforced while streaming.
    const chunks = new ReadableStream({ start(c) { for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(40)); c.close() } })
    const streamed = await req('/object/limits/streamed.txt', { method: 'POST', body: chunks, headers: { 'content-type': 'text/plain' }, duplex: 'half' } as RequestInit & { headers: Record<string, string> })
    expect(streamed.status).toBe(413)
    const globalMax = await req('/bucket', { method: 'POST', ...json({ name: 'nolimit' }) })
    expect(globalMax.status).toBe(201)
    expect((await req('/object/nolimit/huge.bin', { method: 'POST', body: Buffer.alloc(1024 * 1024 + 1) })).status).toBe(413)
    expect((await req('/object/limits/a.pdf', { method: 'POST', body: 'x', headers: { 'content-type': 'application/pdf' } })).status).toBe(415)
    const sniffed = await req('/object/limits/fake.txt', { method: 'POST', body: Buffer.from('%PDF-1.7 pretending'), headers: { 'content-type': 'text/plain' } })
    expect(sniffed.status).toBe(415)
    expect(await sniffed.json()).toMatchObject({ code: 'STORAGE_MIME_TYPE_NOT_ALLOWED' })
    expect((await req('/object/limits/ok.png', { method: 'POST', body: PNG, headers: { 'content-type': 'image/png' } })).status).toBe(200)
    expect(await rowCount('limits')).toBe(1)
    expect(await rowCount('nolimit')).toBe(0)
    expect((await backend.listKeys()).length).toBe(before + 1)
  })

  it('serves signed download URLs until they expire, and signed upload URLs', async () => {
    await req('/bucket', { method: 'POST', ...json({ name: 'signed' }) })
    await req('/object/signed/s.txt', { method: 'POST', body: 'secret', headers: { 'content-type': 'text/plain' } })
    const { signedURL, url } = (await (await req('/object/sign/signed/s.txt', { method: 'POST', ...json({ expiresIn: 1 }) })).json()) as { signedURL: string; url: string }
    expect(url).toBe(`http://floe.test/storage/v1${signedURL}`)
    const ok = await floe.app.request(`/storage/v1${signedURL}`) // no apikey at all
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('secret')
    const tampered = signedURL.replace('s.txt', 't.txt')
    expect((await floe.app.request(`/storage/v1${tampered}`)).status).toBe(403)
    await new Promise((r) => setTimeout(r, 2100))
    const expired = await floe.app.request(`/storage/v1${signedURL}`)
    expect(expired.status).toBe(403)
    expect(await expired.json()).toMatchObject({ code: 'STORAGE_SIGNATURE_EXPIRED' })
    expect((await req('/object/sign/signed/missing.txt', { method: 'POST', ...json({ expiresIn: 60 }) })).status).toBe(404)

    const up = (await (await req('/object/upload/sign/signed/up.txt', { method: 'POST', ...json({}) })).json()) as { url: string }
    const put = await floe.app.request(`/storage/v1${up.url}`, { method: 'PUT', body: 'via token', headers: { 'content-type': 'text/plain' } })
    expect(put.status).toBe(200)
    expect(await (await req('/object/signed/up.txt')).text()).toBe('via token')
    expect((await floe.app.request(`/storage/v1${up.url}`, { method: 'PUT', body: 'again' })).status).toBe(409)
    expect((await floe.app.request(`/storage/v1/object/upload/sign/signed/up.txt?token=garbage.garbage`, { method: 'PUT', body: 'x' })).status).toBe(403)
  })

  it('serves public buckets without credentials, never private ones', async () => {
    await req('/bucket', { method: 'POST', ...json({ name: 'pub', public: true }) })
    await req('/bucket', { method: 'POST', ...json({ name: 'priv' }) })
    for (const b of ['pub', 'priv']) await req(`/object/${b}/x.txt`, { method: 'POST', body: b, headers: { 'content-type': 'text/plain' } })
    const pub = await floe.app.request('/storage/v1/object/public/pub/x.txt')
    expect(pub.status).toBe(200)
    expect(await pub.text()).toBe('pub')
    expect((await floe.app.request('/storage/v1/object/public/priv/x.txt')).status).toBe(404)
    expect((await floe.app.request('/storage/v1/object/priv/x.txt')).status).toBe(401)
    expect((await floe.app.request('/storage/v1/object/priv/x.txt', { headers: floe.anon })).status).toBe(404)
  })

  // One level under the prefix, names relative to it, as supabase-js's list() expects (issue 14).
  it('lists by prefix with paging, sorting and search', async () => {
    await req('/bucket', { method: 'POST', ...json({ name: 'listing' }) })
    for (let i = 0; i < 7; i++) {
      await req(`/object/listing/f/${String(i).padStart(2, '0')}.txt`, { method: 'POST', body: 'x'.repeat(i + 1), headers: { 'content-type': 'text/plain' } })
    }
    await req('/object/listing/g/other.txt', { method: 'POST', body: 'y', headers: { 'content-type': 'text/plain' } })
    const page = async (body: unknown) => ((await (await req('/object/list/listing', { method: 'POST', ...json(body) })).json()) as { name: string }[]).map((o) => o.name)
    expect(await page({ prefix: 'f/', limit: 3 })).toEqual(['00.txt', '01.txt', '02.txt'])
    expect(await page({ prefix: 'f', limit: 3, offset: 6 })).toEqual(['06.txt'])
    expect(await page({ prefix: 'f/', limit: 2, sortBy: { column: 'size', order: 'desc' } })).toEqual(['06.txt', '05.txt'])
    expect(await page({ prefix: '' })).toEqual(['f', 'g'])
    expect(await page({ prefix: '', search: 'G' })).toEqual(['g'])
    expect(await page({ prefix: 'g', search: 'oth' })).toEqual(['other.txt'])
    expect(await page({ prefix: 'f%' })).toEqual([])
    expect((await req('/object/list/listing', { method: 'POST', ...json({ limit: 0 }) })).status).toBe(400)
    expect((await req('/object/list/listing', { method: 'POST', ...json({ sortBy: { column: 'id; drop' } }) })).status).toBe(400)
    // The body is optional: none at all lists everything with the defaults (found by the platform fuzz: was a 500).
    const all = await req('/object/list/listing', { method: 'POST' })
    expect(all.status).toBe(200)
    expect(((await all.json()) as { name: string }[]).map((o) => o.name)).toEqual(['f', 'g'])
  })

  it('transforms images on download (size, format), caches the result, and keeps the rules', async () => {
    await req('/bucket', { method: 'POST', ...json({ name: 'images' }) })
    const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3366ff' } }).png().toBuffer()
    await req('/object/images/photo.png', { method: 'POST', body: png, headers: { 'content-type': 'image/png' } })
    const keysBefore = (await backend.listKeys()).length
    for (let i = 0; i < 2; i++) {
      const res = await req('/render/image/authenticated/images/photo.png?width=100&format=webp&quality=70')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/webp')
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata()
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', 100, 75])
    }
    expect((await backend.listKeys()).length).toBe(keysBefore + 1) // rendered once, then served from the cache
    const box = await req('/render/image/authenticated/images/photo.png?width=50&height=50&resize=contain')
    expect(box.headers.get('content-type')).toBe('image/png')
    expect((await sharp(Buffer.from(await box.arrayBuffer())).metadata()).width).toBe(50)
    expect((await floe.app.request('/storage/v1/render/image/public/images/photo.png?width=10')).status).toBe(404) // private bucket
    expect((await floe.app.request('/storage/v1/render/image/authenticated/images/photo.png?width=10', { headers: floe.anon })).status).toBe(404)
    expect((await req('/render/image/authenticated/images/photo.png?width=99999')).status).toBe(400)
    expect((await req('/render/image/authenticated/images/photo.png?format=gif')).status).toBe(400)
    await req('/object/images/notes.txt', { method: 'POST', body: 'text', headers: { 'content-type': 'text/plain' } })
    expect((await req('/render/image/authenticated/images/notes.txt?width=10')).status).toBe(400)

    // Overwritten or deleted, an object takes its cached renders with it.
    const renders = async () => (await backend.listKeys()).filter((k) => k.includes('.render.')).length
    expect(await renders()).toBe(2)
    const png2 = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ff6633' } }).png().toBuffer()
    expect((await req('/object/images/photo.png', { method: 'PUT', body: png2, headers: { 'content-type': 'image/png', 'x-upsert': 'true' } })).status).toBe(200)
    expect(await renders()).toBe(0)
    expect((await req('/render/image/authenticated/images/photo.png?width=20')).status).toBe(200)
    expect(await renders()).toBe(1)
    expect((await req('/object/images', { method: 'DELETE', ...json({ prefixes: ['photo.png'] }) })).status).toBe(200)
    expect(await renders()).toBe(0)
  })
})
