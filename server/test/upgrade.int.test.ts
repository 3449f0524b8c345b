/**
 * Upgrade routes (WebSockets, for realtime): a request to switch protocols is admitted by the same
 * pipeline stages as any request (identity from the apikey header or query parameter and the
 * bearer, limits, the JSON error on refusal) before the route gets the socket; anything else
 * asking to upgrade is a JSON 404. The route here answers 101 by hand and names who it was given.
 */
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeServer, createNodeUpgrade, createPipeline, createRouteTable } from '../src/http/index.js'
import { buildTestApp, TEST_ANON_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'

let t: TestDatabase
let floe: TestApp
let server: Server
let port: number

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t)
  const pipeline = createPipeline({
    log: floe.deps.log,
    resolveIdentity: floe.deps.resolveIdentity,
    corsOrigins: '*',
    trustProxy: false,
    requestTimeoutMs: 5_000,
    bodyLimit: 1_000,
    rateLimit: { windowMs: 60_000, perIp: 6, perUser: 0 },
    redisPrefix: 'test:',
  })
  const table = createRouteTable([
    {
      prefix: '/echo/v1',
      upgrades: [
        {
          path: '/socket',
          upgrade: (_req, socket, _head, identity) =>
            void socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\nX-Role: ${identity?.role}\r\n\r\n`),
        },
      ],
    },
  ])
  server = createNodeServer(() => new Response(null, { status: 404 }), () => false, '127.0.0.1', createNodeUpgrade(pipeline, table))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  await floe?.close()
  await t?.drop()
})

type Outcome = { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function askUpgrade(path: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path, headers: { Connection: 'Upgrade', Upgrade: 'echo', ...headers } })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve({ status: res.statusCode!, headers: res.headers, body: '' })
    })
    req.on('response', (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('upgrade routes', () => {
  it('hands the socket over with the identity the pipeline resolved (apikey in the query)', async () => {
    const anon = await askUpgrade(`/echo/v1/socket?apikey=${TEST_ANON_KEY}`)
    expect(anon.status).toBe(101)
    expect(anon.headers['x-role']).toBe('anon')
    const user = await askUpgrade('/echo/v1/socket', await floe.asUser({ sub: '6f1c1f3e-0000-4000-8000-000000000001' }))
    expect(user.status).toBe(101)
    expect(user.headers['x-role']).toBe('authenticated')
  })

  it('refuses without credentials or with a forged token, in the JSON error shape', async () => {
    const none = await askUpgrade('/echo/v1/socket')
    expect(none.status).toBe(401)
    expect(none.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(none.headers['x-request-id']).toEqual(expect.any(String))
    expect(JSON.parse(none.body)).toMatchObject({ code: 'API_KEY_MISSING' })
    const forged = await askUpgrade(`/echo/v1/socket?apikey=${TEST_ANON_KEY}`, { authorization: 'Bearer a.b.c' })
    expect(forged.status).toBe(401)
    expect(JSON.parse(forged.body)).toMatchObject({ code: 'JWT_INVALID' })
  })

  it('answers 404 to an upgrade on a path that has no upgrade route', async () => {
    const res = await askUpgrade(`/rest/v1/things?apikey=${TEST_ANON_KEY}`)
    expect(res.status).toBe(404)
    expect(JSON.parse(res.body)).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('counts upgrades against the per-IP limit like any request', async () => {
    // 6 per window: the four admitted above, two more, then 429.
    let last: Outcome | undefined
    for (let i = 0; i < 4; i++) last = await askUpgrade(`/echo/v1/socket?apikey=${TEST_ANON_KEY}`)
    expect(last!.status).toBe(429)
    expect(last!.headers['retry-after']).toEqual(expect.any(String))
  })
})
