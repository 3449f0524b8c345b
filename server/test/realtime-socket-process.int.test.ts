/**
 * Realtime in a `floe start` process, as the README runs it: a WebSocket to the real server, a
 * join and a heartbeat; on SIGTERM the socket is closed with 1001 and a reason, and the process
 * exits 0 promptly (open sockets do not hold the HTTP server's close).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startFloeProcess } from './process.js'
import { RawClient } from './realtime-helpers.js'

let t: TestDatabase | undefined
afterAll(async () => {
  await t?.drop()
})

describe('realtime in floe start', () => {
  it('serves the socket, and closes it with 1001 on SIGTERM before exiting 0', async () => {
    t = await createTestDatabase()
    const floe = await startFloeProcess(testEnv(t, { PORT: String(await findFreePort()) }))
    const ready = (await (await fetch(`${floe.url}/ready`)).json()) as { checks: Record<string, { status: string; message?: string }> }
    expect(ready.checks['realtime']).toMatchObject({ status: 'ok', message: expect.stringContaining('0 sockets') })
    const c = await RawClient.open(floe.url, { apikey: TEST_ANON_KEY })
    const ref = c.join('room')
    expect((await c.reply(ref)).payload.status).toBe('ok')
    const hb = c.send('phoenix', 'heartbeat', {})
    expect((await c.reply(hb)).payload.status).toBe('ok')
    const started = Date.now()
    floe.signal('SIGTERM')
    expect(await c.closed).toEqual({ code: 1001, reason: 'Server shutting down' })
    expect(await floe.exited).toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
  })
})
