/**
 * Resumable uploads (TUS, issue 6 acceptance) on both backends, over real HTTP: an upload cut
 * halfway resumes from the server's offset and completes with identical bytes; only its creator
 * may continue it; rules and limits are asked at creation.
 */
import { serve, type ServerType } from '@hono/node-server'
import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { BACKENDS, startBackend, type TestBackend } from './storage-helpers.js'

const b64 = (s: string) => Buffer.from(s).toString('base64')
const metadata = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k} ${b64(v)}`).join(',')

describe.each(BACKENDS)('resumable uploads on %s', (kind) => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: TestApp
  let server: ServerType
  let base: string

  beforeAll(async () => {
    t = await createTestDatabase()
    backend = await startBackend(kind)
    const port = await findFreePort()
    base = `http://127.0.0.1:${port}`
    floe = await buildTestApp(t, { ...backend.env, PUBLIC_URL: base, STORAGE_MAX_UPLOAD_SIZE: '20mb' })
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: floe.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s))
    })
    await fetch(`${base}/storage/v1/bucket`, { method: 'POST', headers: { ...floe.service, 'content-type': 'application/json' }, body: '{"name":"tus-b"}' })
  })
  afterAll(async () => {
    await new Promise((r) => server?.close(r))
    await floe?.close()
    await backend?.close()
    await t?.drop()
  })

  const create = (headers: Record<string, string>, size: number, meta: Record<string, string>) =>
    fetch(`${base}/storage/v1/upload/resumable`, {
      method: 'POST',
      headers: { ...headers, 'tus-resumable': '1.0.0', 'upload-length': String(size), 'upload-metadata': metadata(meta) },
    })

  /** PATCHes `bytes` from `offset` but cuts the connection after `cutAfter` bytes. */
  const interruptedPatch = (url: string, headers: Record<string, string>, bytes: Buffer, offset: number, cutAfter: number) =>
    new Promise<void>((resolve) => {
      const req = http.request(url, {
        method: 'PATCH',
        headers: { ...headers, 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes.length) },
      })
      req.on('error', () => resolve())
      req.on('response', (res) => (res.resume(), resolve()))
      req.write(bytes.subarray(0, cutAfter), () => setTimeout(() => (req.destroy(), resolve()), 300))
    })

  it('resumes an upload cut halfway and stores identical bytes', async () => {
    const data = randomBytes(6 * 1024 * 1024)
    const created = await create(floe.service, data.length, { bucketName: 'tus-b', objectName: 'big/resumed.bin', contentType: 'application/octet-stream' })
    expect(created.status).toBe(201)
    const location = created.headers.get('location')!
    expect(location.startsWith(`${base}/storage/v1/upload/resumable/`)).toBe(true)

    await interruptedPatch(location, floe.service, data, 0, 3 * 1024 * 1024)
    let offset = -1
    for (let i = 0; i < 50 && offset <= 0; i++) {
      const head = await fetch(location, { method: 'HEAD', headers: { ...floe.service, 'tus-resumable': '1.0.0' } })
      expect(head.status, await head.text() + JSON.stringify([...head.headers])).toBe(200)
      offset = Number(head.headers.get('upload-offset'))
      if (offset <= 0) await new Promise((r) => setTimeout(r, 100))
    }
    expect(offset).toBeGreaterThan(0)
    expect(offset).toBeLessThan(data.length)
    expect((await fetch(`${base}/storage/v1/object/tus-b/big/resumed.bin`, { headers: floe.service })).status).toBe(404)

    const rest = await fetch(location, {
      method: 'PATCH',
      headers: { ...floe.service, 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      body: data.subarray(offset),
    })
    expect(rest.status).toBe(204)
    const got = Buffer.from(await (await fetch(`${base}/storage/v1/object/tus-b/big/resumed.bin`, { headers: floe.service })).arrayBuffer())
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'))
    expect((await backend.listKeys()).length).toBe(1)
  })

  it('lets only the creator continue, and asks rules and limits at creation', async () => {
    const alice = await floe.asUser({ sub: crypto.randomUUID() })
    const bob = await floe.asUser({ sub: crypto.randomUUID() })
    // No storage rules for users in this database: creation is refused before any byte.
    const refused = await create(alice, 10, { bucketName: 'tus-b', objectName: 'a.bin' })
    expect(refused.status).toBe(403)
    expect((await create(floe.anon, 10, { bucketName: 'tus-b', objectName: 'a.bin' })).status).toBe(401)
    expect((await create(floe.service, 30 * 1024 * 1024, { bucketName: 'tus-b', objectName: 'huge.bin' })).status).toBe(413)
    expect((await create(floe.service, 10, { bucketName: 'tus-b' })).status).toBe(400)
    expect((await create(floe.service, 10, { bucketName: 'no-such', objectName: 'x' })).status).toBe(404)

    const created = await create(floe.service, 4, { bucketName: 'tus-b', objectName: 'mine.bin' })
    const location = created.headers.get('location')!
    const hijack = await fetch(location, {
      method: 'PATCH',
      headers: { ...bob, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: 'evil',
    })
    expect(hijack.status).toBe(404)
    const done = await fetch(location, {
      method: 'PATCH',
      headers: { ...floe.service, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: 'good',
    })
    expect(done.status).toBe(204)
    expect(await (await fetch(`${base}/storage/v1/object/tus-b/mine.bin`, { headers: floe.service })).text()).toBe('good')
  })
})
