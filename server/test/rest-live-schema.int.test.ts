import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, TEST_SERVICE_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { startFloeProcess, type FloeProcess } from './process.js'

const dbs: TestDatabase[] = []
afterAll(async () => {
  for (const d of dbs) await d.drop()
})

/** Polls until the table answers 200 on this server; resolves with the ms it took. */
async function servedAfter(p: FloeProcess, table: string, since: number, timeoutMs = 5_000): Promise<number> {
  for (;;) {
    const res = await fetch(`${p.url}/rest/v1/${table}?select=id,label`, { headers: { apikey: TEST_ANON_KEY } })
    if (res.status === 200) {
      expect(await res.json()).toEqual([{ id: 1, label: 'first' }])
      return performance.now() - since
    }
    if (performance.now() - since > timeoutMs) throw new Error(`${table} not served after ${timeoutMs} ms (last status ${res.status})`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('live schema', () => {
  it('serves a table created by SQL within 1 s on two server processes, without a restart', async () => {
    const t = await createTestDatabase()
    dbs.push(t)
    const env = testEnv(t, { RATE_LIMIT_PER_IP: '0', LOG_LEVEL: 'warn' })
    const [a, b] = await Promise.all([
      startFloeProcess({ ...env, PORT: String(await findFreePort()) }),
      startFloeProcess({ ...env, PORT: String(await findFreePort()) }),
    ])
    const client = new pg.Client({ connectionString: t.url })
    await client.connect()
    try {
      const before = await fetch(`${a.url}/rest/v1/gadgets`, { headers: { apikey: TEST_ANON_KEY } })
      expect(before.status).toBe(404)

      const started = performance.now()
      // New tables are closed by default (migration 0005 enables RLS on them): this one states
      // that anyone may read it, as an admin's public-read rule would.
      await client.query(
        `create table gadgets (id int primary key, label text); insert into gadgets values (1, 'first');
         create policy gadgets_public_read on gadgets for select to anon, authenticated using (true)`,
      )
      const [msA, msB] = await Promise.all([servedAfter(a, 'gadgets', started), servedAfter(b, 'gadgets', started)])
      expect(msA).toBeLessThan(1_000)
      expect(msB).toBeLessThan(1_000)

      // Writes through the real Node server read the raw body, within BODY_LIMIT (1 MB here).
      const headers = { apikey: TEST_SERVICE_KEY, 'content-type': 'application/json', prefer: 'return=representation' }
      const created = await fetch(`${a.url}/rest/v1/gadgets`, { method: 'POST', headers, body: '{"id":2,"label":"second"}' })
      expect(created.status).toBe(201)
      expect(await created.json()).toEqual([{ id: 2, label: 'second' }])
      const huge = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('[' + '{"id":3,"label":"x"},'.repeat(60_000) + '{"id":4,"label":"y"}]'))
          controller.close()
        },
      })
      const refused = await fetch(`${a.url}/rest/v1/gadgets`, { method: 'POST', headers, body: huge, duplex: 'half' } as RequestInit)
      expect(refused.status).toBe(413)
      expect(await refused.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    } finally {
      await client.end()
      a.signal('SIGTERM')
      b.signal('SIGTERM')
      await Promise.all([a.exited, b.exited])
    }
  })
})
