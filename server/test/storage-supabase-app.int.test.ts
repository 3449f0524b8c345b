/**
 * supabase-js storage as a signed-in user under owner rules (first folder = auth.uid()), image
 * transforms (download and getPublicUrl), resumable uploads with tus-js-client exactly as
 * Supabase's docs write them, and bad input through the client: always a 4xx that storage-js
 * turns into a StorageApiError naming what was wrong, never a 500 (issue 14).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import sharp from 'sharp'
import * as tus from 'tus-js-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../src/auth/index.js'
import { buildTestApp, TEST_ANON_KEY, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { serveFloeOnPort, startBackend, type TestBackend } from './storage-helpers.js'
import { supabaseClient } from './supabase-client.js'

const A = '00000000-0000-4000-8000-0000000000aa'
const B = '00000000-0000-4000-8000-0000000000bb'
const OWN_FOLDER = `bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text)`
const RULES = [
  `create policy own_read on storage.objects for select to authenticated using (${OWN_FOLDER})`,
  `create policy own_write on storage.objects for insert to authenticated with check (${OWN_FOLDER})`,
  `create policy own_update on storage.objects for update to authenticated using (${OWN_FOLDER}) with check (${OWN_FOLDER})`,
  `create policy own_delete on storage.objects for delete to authenticated using (${OWN_FOLDER})`,
]

describe('supabase-js storage as a user, transforms, tus', () => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: TestApp
  let served: { url: string; close(): Promise<void> }
  let admin: SupabaseClient
  let alice: SupabaseClient
  let aliceToken: string

  beforeAll(async () => {
    t = await createTestDatabase()
    backend = await startBackend('s3')
    served = await serveFloeOnPort(async (url) => (floe = await buildTestApp(t, { ...backend.env, PUBLIC_URL: url, STORAGE_MAX_UPLOAD_SIZE: '20mb' })))
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    for (const rule of RULES) await c.query(rule)
    await c.end()
    admin = supabaseClient(served.url, TEST_SERVICE_KEY)
    aliceToken = await signJwt({ role: 'authenticated', sub: A }, floe.jwtKeys, '1h')
    alice = supabaseClient(served.url, TEST_ANON_KEY, aliceToken)
    expect((await admin.storage.createBucket('avatars', { public: false, fileSizeLimit: '10MB' })).error).toBeNull()
    expect((await admin.storage.createBucket('pics', { public: true })).error).toBeNull()
    await admin.storage.from('avatars').upload(`${B}/bob.txt`, Buffer.from('bob'), { contentType: 'text/plain' })
  })
  afterAll(async () => {
    await served?.close()
    await floe?.close()
    await backend?.close()
    await t?.drop()
  })

  it('a user uploads, lists, signs and removes in their own folder only', async () => {
    const avatars = alice.storage.from('avatars')
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#abcdef' } }).png().toBuffer()
    const up = await avatars.upload(`${A}/avatar.png`, png, { contentType: 'image/png', upsert: true })
    expect(up.data).toEqual({ path: `${A}/avatar.png`, id: expect.any(String), fullPath: `avatars/${A}/avatar.png` })
    const refused = await avatars.upload(`${B}/mine-now.png`, png, { contentType: 'image/png' })
    expect(refused.error).toMatchObject({ name: 'StorageApiError', status: 403, statusCode: '403' })

    expect((await avatars.list()).data!.map((e) => [e.name, e.id])).toEqual([[A, null]])
    expect((await avatars.list(A)).data!.map((e) => [e.name, e.metadata?.size])).toEqual([['avatar.png', png.length]])
    const urls = await avatars.createSignedUrls([`${A}/avatar.png`, `${B}/bob.txt`], 60)
    expect(urls.data!.map((u) => [u.path, u.error, u.signedUrl === null])).toEqual([
      [`${A}/avatar.png`, null, false],
      [`${B}/bob.txt`, 'Either the object does not exist or you do not have access to it', true],
    ])
    expect(await avatars.exists(`${B}/bob.txt`)).toMatchObject({ data: false })
    expect((await avatars.download(`${B}/bob.txt`)).error).toMatchObject({ status: 404 })
    expect((await avatars.remove([`${B}/bob.txt`])).data).toEqual([])
    expect(await (await admin.storage.from('avatars').download(`${B}/bob.txt`)).data!.text()).toBe('bob')
  })

  it('download, getPublicUrl and createSignedUrl with transform render the image', async () => {
    const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3366ff' } }).png().toBuffer()
    expect((await admin.storage.from('pics').upload('big.png', png, { contentType: 'image/png' })).error).toBeNull()
    const small = await admin.storage.from('pics').download('big.png', { transform: { width: 100, height: 75 } })
    expect(small.error).toBeNull()
    const meta = await sharp(Buffer.from(await small.data!.arrayBuffer())).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 100, 75])

    const plain = admin.storage.from('pics').getPublicUrl('big.png')
    expect(plain.data.publicUrl).toBe(`${served.url}/storage/v1/object/public/pics/big.png`)
    expect((await fetch(plain.data.publicUrl)).status).toBe(200)
    const thumb = admin.storage.from('pics').getPublicUrl('big.png', { transform: { width: 40, resize: 'contain', quality: 60 } })
    expect(thumb.data.publicUrl).toBe(`${served.url}/storage/v1/render/image/public/pics/big.png?width=40&resize=contain&quality=60`)
    const res = await fetch(thumb.data.publicUrl) // no key at all: a public bucket
    expect(res.status).toBe(200)
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(40)
    // A signed URL with a transform renders it, without credentials, in a private bucket too.
    await admin.storage.from('avatars').upload('shared/big.png', png, { contentType: 'image/png' })
    const signed = await admin.storage.from('avatars').createSignedUrl('shared/big.png', 60, { transform: { width: 50, height: 50, resize: 'contain' } })
    expect(signed.data!.signedUrl).toMatch(new RegExp(`^${served.url}/storage/v1/render/image/sign/avatars/shared/big.png\\?token=`))
    const rendered = await fetch(signed.data!.signedUrl)
    expect(rendered.status).toBe(200)
    expect(((await sharp(Buffer.from(await rendered.arrayBuffer())).metadata()).width)).toBe(50)
    const badTransform = await admin.storage.from('avatars').createSignedUrl('shared/big.png', 60, { transform: { width: -3 } })
    expect(badTransform.error).toMatchObject({ status: 400 })
    const attachment = admin.storage.from('pics').getPublicUrl('big.png', { download: 'pic.png' })
    expect((await fetch(attachment.data.publicUrl)).headers.get('content-disposition')).toMatch(/^attachment; filename="pic.png"/)
  })

  it('resumable upload with tus-js-client as in Supabase docs (chunks, x-upsert, cacheControl)', async () => {
    const bytes = randomBytes(7 * 1024 * 1024 + 123)
    const upload = (objectName: string, body: Buffer) =>
      new Promise<void>((resolve, reject) => {
        const u = new tus.Upload(body, {
          endpoint: `${served.url}/storage/v1/upload/resumable`,
          retryDelays: [0, 200],
          headers: { authorization: `Bearer ${aliceToken}`, 'x-upsert': 'true' },
          uploadDataDuringCreation: true,
          removeFingerprintOnSuccess: true,
          metadata: { bucketName: 'avatars', objectName, contentType: 'application/octet-stream', cacheControl: '3600' },
          chunkSize: 6 * 1024 * 1024,
          onError: reject,
          onSuccess: () => resolve(),
        })
        u.start()
      })
    await upload(`${A}/big.bin`, bytes)
    const got = Buffer.from(await (await alice.storage.from('avatars').download(`${A}/big.bin`)).data!.arrayBuffer())
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect((await alice.storage.from('avatars').info(`${A}/big.bin`)).data).toMatchObject({ size: bytes.length, cacheControl: 'max-age=3600' })
    // x-upsert: the same name again replaces it.
    await upload(`${A}/big.bin`, Buffer.from('smaller now'))
    expect(await (await alice.storage.from('avatars').download(`${A}/big.bin`)).data!.text()).toBe('smaller now')
    // Outside the user's folder the rules refuse it before a byte is stored.
    await expect(upload(`${B}/big.bin`, Buffer.from('nope'))).rejects.toThrow(/403/)
  })

  it.each([
    ['createBucket with a bad name', 400, /name/, () => admin.storage.createBucket('Bad Name!')],
    ['createBucket with a bad size', 400, /file_size_limit/, () => admin.storage.createBucket('x-bucket', { public: false, fileSizeLimit: '12 parsecs' })],
    ['createBucket with a bad MIME type', 400, /allowed_mime_types/, () => admin.storage.createBucket('x-bucket', { public: false, allowedMimeTypes: ['not a type'] })],
    ['createBucket that exists', 409, /already exists/, () => admin.storage.createBucket('pics')],
    ['updateBucket that does not exist', 404, /Bucket not found/, () => admin.storage.updateBucket('nowhere', { public: true })],
    ['listBuckets with a bad sort', 400, /sortColumn/, () => admin.storage.listBuckets({ sortColumn: 'size' as 'name' })],
    ['list in a missing bucket', 404, /Bucket not found/, () => admin.storage.from('nowhere').list()],
    ['list with a bad sort column', 400, /sortBy/, () => admin.storage.from('pics').list('', { sortBy: { column: 'id; drop' } })],
    ['list with a negative offset', 400, /offset/, () => admin.storage.from('pics').list('', { offset: -1 })],
    ['upload over the bucket limit', 413, /larger/, () => alice.storage.from('avatars').upload(`${A}/huge.bin`, Buffer.alloc(10_000_001), { contentType: 'application/octet-stream' })],
    ['upload with a bad path', 400, /path name.*control characters/, () => admin.storage.from('pics').upload('a/\u0001.png', Buffer.from('x'))],
    ['upload with a bad cacheControl', 400, /cacheControl/, () => admin.storage.from('pics').upload('c.txt', new Blob(['x']), { cacheControl: 'a\u0001b' })],
    ['createSignedUrl of a missing object', 404, /Object not found/, () => admin.storage.from('pics').createSignedUrl('missing.png', 60)],
    ['createSignedUrls with a bad expiry', 400, /expiresIn/, () => admin.storage.from('pics').createSignedUrls(['big.png'], -5)],
    ['copy to a missing bucket', 404, /Bucket not found/, () => admin.storage.from('pics').copy('big.png', 'x.png', { destinationBucket: 'nowhere' })],
    ['move of a missing object', 404, /Object not found/, () => admin.storage.from('pics').move('missing.png', 'x.png')],
    ['info of a missing object', 404, /Object not found/, () => admin.storage.from('pics').info('missing.png')],
    ['remove with no paths', 400, /prefixes/, () => admin.storage.from('pics').remove([])],
    ['deleteBucket that does not exist', 404, /Bucket not found/, () => admin.storage.deleteBucket('nowhere')],
  ] as const)('bad input: %s → %i', async (_name, status, message, call) => {
    const { data, error } = await call()
    expect(data).toBeNull()
    expect(error).toMatchObject({ name: 'StorageApiError', status, statusCode: String(status) })
    expect(error!.message).toMatch(message)
  })
})
