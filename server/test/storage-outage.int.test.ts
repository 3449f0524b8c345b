/**
 * Fault run: the S3 server goes away under a running app. Uploads and downloads answer 503
 * STORAGE_UNAVAILABLE in the JSON error shape (never a 500), and a failed upload leaves no
 * object row behind.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startBackend, type TestBackend } from './storage-helpers.js'

let t: TestDatabase
let backend: TestBackend
let floe: TestApp

beforeAll(async () => {
  t = await createTestDatabase()
  backend = await startBackend('s3')
  floe = await buildTestApp(t, { ...backend.env, PUBLIC_URL: 'http://floe.test' })
})
afterAll(async () => {
  await floe?.close()
  await backend?.close()
  await t?.drop()
})

const req = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  floe.app.request(`/storage/v1${path}`, { ...init, headers: { ...floe.service, ...init.headers } })

describe('object store outage', () => {
  it('answers 503 while S3 is unreachable and leaves no half-written object', async () => {
    const bucket = await req('/bucket', { method: 'POST', body: JSON.stringify({ name: 'outage' }), headers: { 'content-type': 'application/json' } })
    expect(bucket.status).toBe(201)
    expect((await req('/object/outage/kept.txt', { method: 'POST', body: 'kept', headers: { 'content-type': 'text/plain' } })).status).toBe(200)

    await backend.close()
    const answers = [
      await req('/object/outage/lost.txt', { method: 'POST', body: 'lost', headers: { 'content-type': 'text/plain' } }),
      await req('/object/outage/kept.txt'),
    ]
    for (const res of answers) {
      expect(res.status).toBe(503)
      expect(await res.json()).toEqual({ code: 'STORAGE_UNAVAILABLE', message: 'The object store is unreachable; retry shortly', details: null, hint: null, statusCode: '503', error: 'Service Unavailable' })
    }
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    const { rows } = await c.query(`select name from storage.objects where bucket_id = 'outage' order by name`)
    await c.end()
    expect(rows).toEqual([{ name: 'kept.txt' }])
  })
})
