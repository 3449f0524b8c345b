/**
 * A request answered before its body was read (401 to an unauthenticated POST, 413 past
 * BODY_LIMIT, through Hono or a fast path) must not cost the client its keep-alive connection:
 * the next request on the same socket, sent after the adapter's 500 ms drain window, still gets
 * its answer. Raw sockets against a real `floe start`, so nothing pools or retries for us.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startFloeProcess, type FloeProcess } from './process.js'

let t: TestDatabase | undefined
let floe: FloeProcess | undefined
beforeAll(async () => {
  t = await createTestDatabase()
  floe = await startFloeProcess(testEnv(t, { PORT: String(await findFreePort()), LOG_LEVEL: 'warn', BODY_LIMIT: '65536', RATE_LIMIT_PER_IP: '0' }))
})
afterAll(async () => {
  if (floe) process.kill(floe.proc.pid!, 'SIGKILL')
  await t?.drop()
})

/** Sends `first` with a body of `size` bytes, then after `pauseMs` a GET /health on the same socket. */
function twoOnOneSocket(first: { method: string; path: string; headers?: Record<string, string> }, size: number, pauseMs = 800): Promise<string[]> {
  const url = new URL(floe!.url)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname)
    let received = ''
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')))
    socket.on('error', reject)
    const statuses = () => [...received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]!)
    const body = Buffer.alloc(size, 'x')
    const head = Object.entries({ 'content-type': 'application/json', ...first.headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('')
    socket.write(`${first.method} ${first.path} HTTP/1.1\r\nhost: floe.test\r\n${head}content-length: ${size}\r\n\r\n`)
    socket.write(body, () => {
      setTimeout(() => {
        socket.write('GET /health HTTP/1.1\r\nhost: floe.test\r\n\r\n')
        setTimeout(() => {
          socket.destroy()
          resolve(statuses())
        }, 400)
      }, pauseMs)
    })
  })
}

describe('keep-alive after an early answer', () => {
  it.each([
    ['Hono route, 401 before the body is read', { method: 'POST', path: '/storage/v1/bucket' }, 50_000, '401'],
    ['Hono route, 413 past BODY_LIMIT', { method: 'POST', path: '/storage/v1/bucket' }, 200_000, '413'],
    ['Hono route, 404 with a body', { method: 'PATCH', path: '/nowhere', headers: { apikey: 'test-anon-key-0123456789abcdef0123456789' } }, 50_000, '404'],
    ['data API fast path, 413 past BODY_LIMIT while reading', { method: 'POST', path: '/rest/v1/anything', headers: { apikey: 'test-anon-key-0123456789abcdef0123456789' } }, 200_000, '413'],
    ['data API fast path, 401 before the body is read', { method: 'POST', path: '/rest/v1/anything' }, 200_000, '401'],
  ] as const)('%s', async (_name, first, size, status) => {
    expect(await twoOnOneSocket(first, size)).toEqual([status, '200'])
  })
})
