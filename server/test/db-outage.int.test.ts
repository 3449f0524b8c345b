/**
 * Fault run: the database goes away under a running `floe start` and comes back. The server
 * reaches Postgres through a TCP proxy this test controls; the proxy is shut (every open
 * connection cut, new ones refused) and reopened. While it is shut the data API answers 503 with
 * the JSON error shape (never a 500, never a crash) and /ready says so; once it is back, the same
 * requests succeed again without a restart.
 */
import net from 'node:net'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startFloeProcess, type FloeProcess } from './process.js'

/** A TCP proxy on `port` to `target` that can be shut (cutting every connection) and reopened. */
function tcpProxy(port: number, target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>()
  let server: net.Server | undefined
  const open = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => s.destroy())
        }
        client.pipe(upstream).pipe(client)
      })
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      sockets.clear()
      if (!server) return resolve()
      server.close(() => resolve())
      server = undefined
    })
  return { open, shut }
}

let t: TestDatabase | undefined
let floe: FloeProcess | undefined
let proxy: ReturnType<typeof tcpProxy> | undefined
afterAll(async () => {
  if (floe) process.kill(floe.proc.pid!, 'SIGKILL')
  await proxy?.shut()
  await t?.drop()
})

describe('database outage', () => {
  it('answers 503 JSON while Postgres is unreachable, keeps running, and serves again when it is back', async () => {
    t = await createTestDatabase()
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    await c.query(`create table outage_items (id int primary key, name text);
      insert into outage_items values (1, 'one');
      grant select, insert on outage_items to anon;
      create policy anyone on outage_items for all to anon using (true) with check (true);`)
    await c.end()
    const direct = new URL(t.url)
    const proxyPort = await findFreePort()
    proxy = tcpProxy(proxyPort, { host: direct.hostname, port: Number(direct.port || 5432) })
    await proxy.open()
    const viaProxy = new URL(t.url)
    viaProxy.host = `127.0.0.1:${proxyPort}`
    floe = await startFloeProcess(testEnv({ url: viaProxy.toString() }, { PORT: String(await findFreePort()), LOG_LEVEL: 'warn', RATE_LIMIT_PER_IP: '0' }))
    const read = () => fetch(`${floe!.url}/rest/v1/outage_items?select=id,name`, { headers: { apikey: TEST_ANON_KEY } })
    const write = (id: number) =>
      fetch(`${floe!.url}/rest/v1/outage_items`, {
        method: 'POST',
        headers: { apikey: TEST_ANON_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ id, name: `n${id}` }),
      })

    expect((await read()).status).toBe(200)

    await proxy.shut()
    for (const res of [await read(), await write(2), await read()]) {
      expect(res.status).toBe(503)
      const body = (await res.json()) as Record<string, unknown>
      expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message'])
      expect(body.code).toBe('DATABASE_UNAVAILABLE')
    }
    const ready = await fetch(`${floe.url}/ready`)
    expect(ready.status).toBe(503)
    expect(floe.proc.exitCode).toBeNull()

    await proxy.open()
    // The pool reconnects on its own: the next requests succeed, with no restart.
    let status = 0
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await read()).status
      if (status !== 200) await new Promise((r) => setTimeout(r, 100))
    }
    expect(status).toBe(200)
    expect((await write(3)).status).toBe(201)
    expect(await (await read()).json()).toEqual([{ id: 1, name: 'one' }, { id: 3, name: 'n3' }])
    // The schema cache's LISTEN connection was cut too: DDL after the outage still reaches it.
    const after = new pg.Client({ connectionString: t.url })
    await after.connect()
    await after.query(`create table outage_after (id int primary key); grant select on outage_after to anon;`)
    await after.end()
    status = 0
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await fetch(`${floe.url}/rest/v1/outage_after`, { headers: { apikey: TEST_ANON_KEY } })).status
      if (status !== 200) await new Promise((r) => setTimeout(r, 100))
    }
    expect(status).toBe(200)
    expect(floe.proc.exitCode).toBeNull()
    expect(floe.output()).not.toMatch(/uncaught|unhandled/i)
  })
})
