/**
 * Issue 16, the change feed's "no lost changes": a subscriber offline while 100 changes are made
 * resumes from its last position and receives exactly those it may see, in order, none twice,
 * even while more changes keep coming; two replicas on one database deliver each change once per
 * subscriber; retention deletes old changes and a resume from before them is flagged as a gap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'
import { Collector, eventually, sleep, startReplica, user } from './realtime-changes-helpers.js'
import { sqlOn, USER_A, USER_B } from './rules-helpers.js'

let t: TestDatabase
const sql = <R extends Record<string, unknown> = Record<string, unknown>>(text: string, values: unknown[] = []) => sqlOn<R>(t.url, text, values)
const spec = { event: '*', schema: 'public', table: 'items' }

beforeAll(async () => {
  t = await createTestDatabase()
  await sql(`
    create table public.items (id int primary key, owner_id uuid, n int);
    alter table public.items enable row level security;
    grant select, insert, update, delete on public.items to authenticated;
    create policy items_owner on public.items for select to authenticated using (owner_id = auth.uid());
    select realtime.enable_table('public.items');`)
})
afterAll(async () => {
  await t?.drop()
})

const positions = (c: Collector) => c.got.map((p) => BigInt(p.data.position))
const increasing = (list: bigint[]) => list.every((p, i) => i === 0 || p > list[i - 1]!)

describe('resume', () => {
  it('100 changes while offline, more while catching up: exactly those A may see, in order, none twice', async () => {
    const r = startReplica(t.url, { batchSize: 7 })
    try {
      const first = new Collector(user(USER_A))
      const sub = await r.feed.subscribe(first, [spec])
      await sql(`insert into public.items values (1, $1, 0)`, [USER_A])
      await eventually(() => expect(first.got).toHaveLength(1))
      const last = first.got[0]!.data.position
      sub.unsubscribe()

      // Offline: 100 changes, A's and B's rows, inserts, updates and deletes, many transactions.
      for (let i = 2; i <= 61; i++) await sql(`insert into public.items values ($1, $2, $1)`, [i, i % 2 === 0 ? USER_A : USER_B])
      for (let i = 2; i <= 31; i++) await sql(`update public.items set n = n + 1000 where id = $1`, [i])
      for (let i = 32; i <= 41; i++) await sql(`delete from public.items where id = $1`, [i])

      const back = new Collector(user(USER_A))
      const resumed = await r.feed.subscribe(back, [spec], { since: last })
      expect(resumed.gap).toBe(false)
      // Live changes while it catches up.
      for (let i = 100; i < 120; i++) await sql(`insert into public.items values ($1, $2, $1)`, [i, i % 2 === 0 ? USER_A : USER_B])

      const expected = [
        ...Array.from({ length: 30 }, (_, k) => k + 2).filter((i) => i % 2 === 0).map((i) => `INSERT ${i}`),
        ...Array.from({ length: 30 }, (_, k) => k + 32).filter((i) => i % 2 === 0).map((i) => `INSERT ${i}`),
        ...Array.from({ length: 30 }, (_, k) => k + 2).filter((i) => i % 2 === 0).map((i) => `UPDATE ${i}`),
        ...Array.from({ length: 10 }, (_, k) => k + 32).filter((i) => i % 2 === 0).map((i) => `DELETE ${i}`),
        ...Array.from({ length: 20 }, (_, k) => k + 100).filter((i) => i % 2 === 0).map((i) => `INSERT ${i}`),
      ].sort((x, y) => order(x) - order(y))
      const got = () => back.got.map((p) => `${p.data.type} ${(p.data.record ?? p.data.old_record)!.id}`)
      await eventually(() => expect(got()).toHaveLength(expected.length), 10_000)
      expect(got()).toEqual(expected)
      expect(increasing(positions(back))).toBe(true)
      expect(BigInt(back.got[0]!.data.position)).toBeGreaterThan(BigInt(last))
      await sleep(300)
      expect(got()).toHaveLength(expected.length)
      resumed.unsubscribe()
    } finally {
      await r.close()
    }
  })

  it('two replicas on one database: each subscriber gets each change once, whichever replica captured it', async () => {
    const [r1, r2] = [startReplica(t.url), startReplica(t.url)]
    try {
      const [x, y] = [new Collector(user(USER_A)), new Collector(user(USER_A))]
      await r1.feed.subscribe(x, [spec])
      await r2.feed.subscribe(y, [spec])
      await Promise.all(
        Array.from({ length: 4 }, (_, w) =>
          (async () => {
            for (let i = 0; i < 10; i++) await sql(`insert into public.items values ($1, $2, 0)`, [1000 + w * 100 + i, USER_A])
          })(),
        ),
      )
      await eventually(() => {
        expect(x.got).toHaveLength(40)
        expect(y.got).toHaveLength(40)
      })
      await sleep(300)
      expect(x.got).toHaveLength(40)
      expect(y.got).toHaveLength(40)
      expect(positions(x)).toEqual(positions(y))
      expect(increasing(positions(x))).toBe(true)
      expect(new Set(x.got.map((p) => p.data.record!.id)).size).toBe(40)
    } finally {
      await Promise.all([r1.close(), r2.close()])
    }
  })
})

describe('sequencer', () => {
  it('a backlog far larger than a batch, with statistics that say the queue is empty: sequenced a batch at a time, in id order, none twice', async () => {
    // As after an outage or a bulk load: pending was last analyzed empty but with its pages still
    // there (a queue mostly is), then 30,000 changes arrive at once. On that estimate (one row)
    // 0023's pick joined pending to itself by a nested loop, quadratic in the rows really there
    // (minutes for 200,000); 0026 picks by tuple id.
    await sql(`insert into public.items (id, owner_id, n) select g, $1, 0 from generate_series(200000, 229999) g`, [USER_A])
    await sql(`select realtime.sequence_changes(100000)`)
    await sql(`analyze realtime.pending`)
    const [stats] = await sql<{ pages: number; tuples: number }>(`select relpages as pages, reltuples::int as tuples from pg_class where oid = 'realtime.pending'::regclass`)
    expect(stats!.pages).toBeGreaterThan(0)
    expect(stats!.tuples).toBe(0)
    await sql(`insert into public.items (id, owner_id, n) select g, $1, 0 from generate_series(230000, 259999) g`, [USER_A])
    const [first] = await sql<{ n: number; last: string }>(`select n, last::text from realtime.sequence_changes(25000)`)
    const [second] = await sql<{ n: number; last: string }>(`select n, last::text from realtime.sequence_changes(25000)`)
    const [third] = await sql<{ n: number }>(`select n from realtime.sequence_changes(25000)`)
    expect([first!.n, second!.n, third!.n]).toEqual([25000, 5000, 0])
    expect(BigInt(second!.last) - BigInt(first!.last)).toBe(5000n)
    const [check] = await sql<{ rows: number; ids: number; in_order: boolean; pending: number }>(
      `select count(*)::int as rows, count(distinct c.new_row ->> 'id')::int as ids,
              bool_and(c.prev_id is null or c.id > c.prev_id) as in_order,
              (select count(*)::int from realtime.pending) as pending
         from (select x.id, x.new_row, lag(x.id) over (order by x.position) as prev_id
                 from realtime.changes x where x.position > $1::bigint - 25000 and x.position <= $2::bigint) c`,
      [first!.last, second!.last],
    )
    expect(check).toEqual({ rows: 30000, ids: 30000, in_order: true, pending: 0 })
  })
})

describe('retention', () => {
  it('deletes changes past REALTIME_RETENTION_S; a resume from before them says gap', async () => {
    const r = startReplica(t.url, { retentionS: 1 })
    try {
      const c = new Collector(user(USER_A))
      const sub = await r.feed.subscribe(c, [spec])
      await sql(`insert into public.items values (5000, $1, 0)`, [USER_A])
      await eventually(() => expect(c.got).toHaveLength(1))
      const pos = c.got[0]!.data.position
      sub.unsubscribe()
      await eventually(async () => {
        const [row] = await sql<{ pruned: string }>(`select pruned_through::text as pruned from realtime.feed_state`)
        expect(BigInt(row!.pruned)).toBeGreaterThanOrEqual(BigInt(pos))
      }, 6000)
      const [state] = await sql<{ pruned: string; left: number }>(
        `select pruned_through::text as pruned, (select count(*)::int from realtime.changes where position <= $1) as left from realtime.feed_state`,
        [pos],
      )
      expect(BigInt(state!.pruned)).toBeGreaterThanOrEqual(BigInt(pos))
      expect(state!.left).toBe(0)
      const old = await r.feed.subscribe(new Collector(user(USER_A)), [spec], { since: '0' })
      expect(old.gap).toBe(true)
      const fresh = await r.feed.subscribe(new Collector(user(USER_A)), [spec], { since: state!.pruned })
      expect(fresh.gap).toBe(false)
      const future = await r.feed.subscribe(new Collector(user(USER_A)), [spec], { since: '999999999' })
      expect(future.gap).toBe(true)
    } finally {
      await r.close()
    }
  })
})

/** Sort key of an expected change: inserts 2-61 first, then updates, deletes, live inserts. */
function order(label: string): number {
  const [type, id] = label.split(' ') as [string, string]
  const n = Number(id)
  if (type === 'INSERT' && n < 100) return n
  if (type === 'UPDATE') return 1000 + n
  if (type === 'DELETE') return 2000 + n
  return 3000 + n
}
