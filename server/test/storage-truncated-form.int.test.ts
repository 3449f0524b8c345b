/**
 * A multipart/form-data upload whose body ends before its closing boundary (a client cut off, or
 * a hostile one) is a 4xx and nothing more: `floe start` stays up. It used to exit: busboy's
 * "Unexpected end of form" reached the file stream after it was handed on, with no listener.
 * Sent as the anon key (refused by the rules before the file is read) and as the service key
 * (accepted, then the body ends), through the real server process.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, TEST_SERVICE_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startFloeProcess, type FloeProcess } from './process.js'

describe('a truncated multipart upload', () => {
  let t: TestDatabase
  let floe: FloeProcess
  let dataDir: string

  beforeAll(async () => {
    t = await createTestDatabase()
    dataDir = await mkdtemp(join(tmpdir(), 'floe-form-'))
    floe = await startFloeProcess(testEnv(t, { PORT: String(await findFreePort()), FLOE_DATA_DIR: dataDir }))
    const res = await fetch(`${floe.url}/storage/v1/bucket`, {
      method: 'POST',
      headers: { apikey: TEST_SERVICE_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'forms', public: false }),
    })
    expect(res.status).toBeLessThan(300)
  }, 60_000)

  afterAll(async () => {
    if (floe && floe.proc.exitCode === null) {
      floe.signal('SIGTERM')
      await floe.exited
    }
    await t?.drop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  const cut = '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello'

  it.each([
    ['the anon key (refused by the rules)', TEST_ANON_KEY],
    ['the service key (accepted, then the body ends)', TEST_SERVICE_KEY],
  ])('with %s is a 4xx and the server stays up', async (_who, key) => {
    const res = await fetch(`${floe.url}/storage/v1/object/forms/cut-${key.length}.txt`, {
      method: 'POST',
      headers: { apikey: key, 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: cut,
    })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    await new Promise((r) => setTimeout(r, 300))
    expect((await fetch(`${floe.url}/health`)).status).toBe(200)
    expect(floe.output()).not.toMatch(/Unexpected end of form/)
  })
})
