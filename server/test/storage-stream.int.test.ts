/**
 * Streaming acceptance (issue 6), over real HTTP: a client that aborts an upload midway leaves no
 * object and no row (both backends, raw and multipart bodies); and a 200 MB upload + download
 * through a real `floe start` process keeps that process's RSS growth under 64 MB.
 */
import { serve, type ServerType } from '@hono/node-server'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { buildTestApp, TEST_SERVICE_KEY, type TestApp, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startFloeProcess, type FloeProcess } from './process.js'
import { BACKENDS, startBackend, type TestBackend } from './storage-helpers.js'

const MB = 1024 * 1024

async function countRows(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return Number((await c.query('select count(*) from storage.objects')).rows[0].count)
  } finally {
    await c.end()
  }
}

/** True once `check` holds twice in a row 1 s apart: the server may still be cleaning up after the cut. */
async function settles(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await check()) {
      await new Promise((r) => setTimeout(r, 1000))
      if (await check()) return true
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

/** Sends `sent` bytes of a body that claims `declared`, then cuts the connection. */
function abortedUpload(port: number, path: string, headers: Record<string, string>, head: Buffer, sent: number, declared: number) {
  return new Promise<void>((resolve) => {
    const req = http.request({ port, path, method: 'POST', headers: { ...headers, 'content-length': String(declared) } })
    req.on('error', () => resolve())
    req.on('response', (res) => {
      res.resume()
      resolve()
    })
    req.write(head)
    let left = sent - head.length
    const chunk = Buffer.alloc(64 * 1024, 7)
    const pump = () => {
      while (left > 0) {
        left -= chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      setTimeout(() => {
        req.destroy()
        resolve()
      }, 300)
    }
    pump()
  })
}

describe.each(BACKENDS)('aborted uploads on %s', (kind) => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: TestApp
  let server: ServerType
  let port: number

  beforeAll(async () => {
    t = await createTestDatabase()
    backend = await startBackend(kind)
    floe = await buildTestApp(t, { ...backend.env, STORAGE_MAX_UPLOAD_SIZE: '100mb' })
    port = await findFreePort()
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: floe.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s))
    })
    await floe.app.request('/storage/v1/bucket', { method: 'POST', headers: { ...floe.service, 'content-type': 'application/json' }, body: '{"name":"aborts"}' })
  })
  afterAll(async () => {
    await new Promise((r) => server?.close(r))
    await floe?.close()
    await backend?.close()
    await t?.drop()
  })

  it('leaves no object and no row when the client aborts a raw upload midway', async () => {
    await abortedUpload(port, '/storage/v1/object/aborts/raw.bin', { ...floe.service, 'content-type': 'application/octet-stream' }, Buffer.alloc(0), 20 * MB, 40 * MB)
    expect(await settles(async () => (await countRows(t.url)) === 0 && (await backend.listKeys()).length === 0)).toBe(true)
    const ok = await floe.app.request('/storage/v1/object/aborts/raw.bin', { method: 'POST', headers: floe.service, body: 'after' })
    expect(ok.status).toBe(200) // the name is free: nothing half-written holds it
  })

  it('leaves no object and no row when the client aborts a multipart upload midway', async () => {
    const boundary = 'floeboundary'
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`)
    const rowsBefore = await countRows(t.url)
    await abortedUpload(port, '/storage/v1/object/aborts/form.bin', { ...floe.service, 'content-type': `multipart/form-data; boundary=${boundary}` }, head, 12 * MB, 30 * MB)
    // At rest every row has exactly one stored object and nothing else is stored.
    const settled = await settles(async () => (await countRows(t.url)) === rowsBefore && (await backend.listKeys()).length === rowsBefore)
    expect(settled, `rows ${await countRows(t.url)} (before ${rowsBefore}), keys ${(await backend.listKeys()).length}`).toBe(true)
  })
})

/** Resident set size of a process, from /proc (Linux), in bytes. */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : 0
}

describe.runIf(process.platform === 'linux').each(BACKENDS)('200 MB through a real server process on %s', (kind) => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: FloeProcess

  beforeAll(async () => {
    t = await createTestDatabase()
    backend = await startBackend(kind)
    floe = await startFloeProcess(
      testEnv(t, { ...backend.env, PORT: String(await findFreePort()), STORAGE_MAX_UPLOAD_SIZE: '300mb', RATE_LIMIT_PER_IP: '0', LOG_LEVEL: 'warn' }),
    )
  }, 60_000)
  afterAll(async () => {
    floe?.signal('SIGTERM')
    await floe?.exited
    await backend?.close()
    await t?.drop()
  })

  it('keeps RSS growth under 64 MB for a 200 MB upload and download', { timeout: 180_000 }, async () => {
    const url = new URL(floe.url)
    const headers = { apikey: TEST_SERVICE_KEY }
    const call = (method: string, path: string, body?: (req: http.ClientRequest) => void, extra: Record<string, string> = {}) =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.request({ host: url.hostname, port: url.port, path, method, headers: { ...headers, ...extra } }, resolve)
        req.on('error', reject)
        if (body) body(req)
        else req.end()
      })
    const ready = (await (await fetch(`${floe.url}/ready`)).json()) as { checks: Record<string, { status: string; message?: string }> }
    expect(ready.checks.storage).toMatchObject({ status: 'ok', message: kind })
    const created = await call('POST', '/storage/v1/bucket', (r) => r.end('{"name":"big"}'), { 'content-type': 'application/json' })
    expect(created.statusCode).toBe(201)
    created.resume()
    // Warm up (JIT, pools, first S3 connection) before the baseline.
    const warm = await call('POST', '/storage/v1/object/big/warm.bin', (r) => r.end(Buffer.alloc(MB)))
    warm.resume()
    await new Promise((r) => warm.on('end', r))
    const pid = floe.proc.pid!
    const baseline = rssOf(pid)
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50)

    const size = 200 * MB
    const chunk = Buffer.alloc(256 * 1024)
    const sentHash = createHash('md5')
    const up = await call('POST', '/storage/v1/object/big/200mb.bin', (req) => {
      let sent = 0
      const pump = () => {
        while (sent < size) {
          chunk.fill(sent % 251) // varied content, so nothing compresses or dedupes
          sentHash.update(chunk)
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        req.end()
      }
      pump()
    }, { 'content-type': 'application/octet-stream', 'content-length': String(size) })
    const upBody: Buffer[] = []
    for await (const c of up) upBody.push(c as Buffer)
    expect(up.statusCode, Buffer.concat(upBody).toString()).toBe(200)
    const uploadPeak = peak

    const down = await call('GET', '/storage/v1/object/big/200mb.bin')
    expect(down.statusCode).toBe(200)
    const gotHash = createHash('md5')
    let got = 0
    for await (const c of down) {
      gotHash.update(c as Buffer)
      got += (c as Buffer).length
    }
    clearInterval(sampler)
    expect(got).toBe(size)
    expect(gotHash.digest('hex')).toBe(sentHash.digest('hex'))
    const growth = (peak - baseline) / MB
    console.log(`storage (${kind}) 200 MB upload+download: server RSS baseline ${(baseline / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB, growth ${growth.toFixed(1)} MB (upload phase ${((uploadPeak - baseline) / MB).toFixed(1)} MB)`)
    expect(growth).toBeLessThan(64)
  })
})
