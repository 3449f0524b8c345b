import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.js'
import { createDatabase, LISTENER_APPLICATION_NAME, type Database } from '../../db/index.js'
import { createLogger } from '../../log.js'
import { loadSchemaCache } from './load.js'
import { createSchemaCacheHolder, type SchemaCacheHolder, type SchemaCacheHolderOptions } from './reload.js'
import type { SchemaCache } from './types.js'

const t = await createTestDatabase()
const log = createLogger('silent')
const shared: Database = createDatabase(t.url, { max: 4, log })
const pool = shared.pool
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  await pool.query('create schema live; create table live.base (id int primary key)')
})
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()))
})
afterAll(async () => {
  await shared.close()
  await t.drop()
})

async function holder(
  options: Partial<SchemaCacheHolderOptions> = {},
  listenerBackoff?: { initialMs: number; maxMs: number },
): Promise<SchemaCacheHolder> {
  // A database (pool and LISTEN connection) of its own per holder: two holders stand for two
  // server processes.
  const own = createDatabase(t.url, { max: 2, log, ...(listenerBackoff ? { listenerBackoff } : {}) })
  const h = await createSchemaCacheHolder({ database: own, schemas: ['live'], log, ...options })
  cleanups.push(async () => {
    await h.close()
    await own.close()
  })
  return h
}

/** DDL through a connection of its own, as another client of the database would. */
async function runElsewhere(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: t.url })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = performance.now()
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
  return performance.now() - started
}

describe('SchemaCacheHolder', () => {
  it('serves a table created by DDL elsewhere within a second, without touching the old cache', async () => {
    const h = await holder()
    const before = h.get()
    expect(before.tables.has('live.base')).toBe(true)

    await runElsewhere('create table live.fresh (id int primary key, base_id int references live.base)')
    const ms = await waitFor(() => h.get().tables.has('live.fresh'), 1_000)

    console.log(`[schema-cache] DDL → served by the holder in ${ms.toFixed(0)} ms`)
    expect(before.tables.has('live.fresh')).toBe(false) // a request holding the old cache is unaffected
    expect(h.get().relationships.get('live.base')?.map((r) => r.foreignTable)).toEqual(['live.fresh'])
    expect(h.stats()).toMatchObject({ listening: true, failedReloads: 0 })
  })

  it('reloads every holder on the database (one NOTIFY reaches every process)', async () => {
    const [a, b] = [await holder(), await holder()]
    const reloaded = Promise.all([a.whenReloaded(), b.whenReloaded()])
    await runElsewhere('create table live.shared (id int)')
    const [ca, cb] = await reloaded
    expect(ca.tables.has('live.shared')).toBe(true)
    expect(cb.tables.has('live.shared')).toBe(true)
    expect(a.get()).toBe(ca)
    expect(b.get()).toBe(cb)
  })

  it("reloads on NOTIFY floe, 'reload schema' and ignores other payloads", async () => {
    const h = await holder()
    const seen: SchemaCache[] = []
    h.onReload((c) => seen.push(c))
    await runElsewhere(`notify floe, 'something else'`)
    await new Promise((r) => setTimeout(r, 150))
    expect(seen).toHaveLength(0)

    const next = h.whenReloaded()
    await runElsewhere(`notify floe, 'reload schema'`)
    expect(await next).toBe(h.get())
    expect(seen).toHaveLength(1)
  })

  it('keeps the old cache when a reload fails, and recovers on the next trigger', async () => {
    let failing = false
    const h = await holder({
      load: (p, s) => (failing ? Promise.reject(new Error('catalog unavailable')) : loadSchemaCache(p, s)),
    })
    const good = h.get()
    failing = true
    const failed = h.whenReloaded()
    await runElsewhere(`notify floe, 'reload schema'`)
    await expect(failed).rejects.toThrow('catalog unavailable')
    expect(h.get()).toBe(good)
    expect(h.stats().failedReloads).toBe(1)

    failing = false
    const recovered = h.whenReloaded()
    await runElsewhere(`notify floe, 'reload schema'`)
    expect(await recovered).not.toBe(good)
  })

  it('debounces a burst of DDL into a couple of reloads', async () => {
    const h = await holder()
    const statements = Array.from({ length: 50 }, (_, i) => `create table live.burst_${i} (id int)`)
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    for (const s of statements) await c.query(s) // 50 transactions: 50 notifications
    await c.end()
    await waitFor(() => h.get().tables.has('live.burst_49'), 2_000)
    await new Promise((r) => setTimeout(r, 300)) // let any queued reload finish
    const { reloads } = h.stats()
    console.log(`[schema-cache] 50 DDL statements → ${reloads} reload(s)`)
    expect(reloads).toBeGreaterThanOrEqual(1)
    expect(reloads).toBeLessThanOrEqual(3)
  })

  it('reconnects a dropped LISTEN connection and reloads once, catching DDL made meanwhile', async () => {
    // A slow first retry, so the DDL below surely lands while nobody listens.
    const h = await holder({}, { initialMs: 600, maxMs: 1_000 })
    await runElsewhere(`
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name = '${LISTENER_APPLICATION_NAME}'`)
    await waitFor(() => !h.stats().listening, 1_000)
    const started = performance.now()
    await runElsewhere('create table live.while_away (id int)')
    await new Promise((r) => setTimeout(r, 100))
    expect(h.get().tables.has('live.while_away')).toBe(false) // its notification went nowhere
    await waitFor(() => h.get().tables.has('live.while_away'), 5_000)
    const ms = performance.now() - started
    console.log(`[schema-cache] LISTEN connection dropped → cache current again in ${ms.toFixed(0)} ms`)
    await waitFor(() => h.stats().listening, 5_000)
  })

  it('stops listening and settles waiters on close', async () => {
    const h = await holder()
    const waiting = h.whenReloaded()
    await h.close()
    await expect(waiting).rejects.toThrow('closed')
    expect(h.stats().listening).toBe(false)
  })
})

describe('loadSchemaCache on ~100 tables', () => {
  it('loads in well under a second', async () => {
    const ddl = ['create schema bench', 'create table bench.t0 (id int primary key, name text)']
    for (let i = 1; i < 100; i++) {
      ddl.push(`create table bench.t${i} (id int primary key, parent_id int references bench.t${i - 1}, other_id int references bench.t0, name text not null, created_at timestamptz default now(), tags text[])`)
    }
    for (let i = 0; i < 20; i++) {
      ddl.push(`create view bench.v${i} as select id, parent_id, name from bench.t${i + 1}`)
      ddl.push(`create function bench.f${i}(x int) returns setof bench.t${i + 1} language sql stable as 'select * from bench.t${i + 1} where id = x'`)
    }
    await pool.query(ddl.join(';\n'))
    const times: number[] = []
    let cache: SchemaCache | undefined
    for (let run = 0; run < 7; run++) {
      const started = performance.now()
      cache = await loadSchemaCache(shared.withOwner, ['bench'])
      times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    const median = times[3]!
    console.log(`[schema-cache] 100 tables, 20 views, 20 functions: load ${median.toFixed(1)} ms median (min ${times[0]!.toFixed(1)}, max ${times[6]!.toFixed(1)})`)
    expect(cache!.tables.size).toBe(120)
    expect(cache!.relationships.get('bench.t0')!.length).toBeGreaterThan(99)
    expect(median).toBeLessThan(1_000)
  })
})
