import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startFloeProcess } from './process.js'

let t: TestDatabase | undefined
afterAll(async () => {
  await t?.drop()
})

describe('graceful shutdown', () => {
  it('lets an in-flight request finish on SIGTERM, refuses new ones, and exits 0', async () => {
    t = await createTestDatabase()
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    await c.query(`create function slow(ms int) returns int language sql as $$ select ms from (select pg_sleep(ms / 1000.0)) s $$`)
    await c.end()
    const floe = await startFloeProcess(testEnv(t, { PORT: String(await findFreePort()), LOG_LEVEL: 'info' }))
    const inFlight = fetch(`${floe.url}/rest/v1/rpc/slow`, {
      method: 'POST',
      headers: { apikey: TEST_ANON_KEY, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ ms: 1500 }),
    })
    // SIGTERM only once the request is running in Postgres (a fixed delay is flaky under load).
    const watcher = new pg.Client({ connectionString: t.url })
    await watcher.connect()
    for (let i = 0; i < 200; i++) {
      const { rows } = await watcher.query(`select count(*)::int as n from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()`)
      if (rows[0].n > 0) break
      await new Promise((r) => setTimeout(r, 25))
    }
    await watcher.end()
    process.kill(floe.proc.pid!, 'SIGTERM')
    await new Promise((r) => setTimeout(r, 200))
    // While draining, the listening socket is closed: a new request cannot connect.
    await expect(fetch(`${floe.url}/health`)).rejects.toThrow()
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(await res.json()).toBe(1500)
    expect(await floe.exited).toBe(0)
    expect(floe.output()).toMatch(/shutting down: draining in-flight requests/)
  })
})
