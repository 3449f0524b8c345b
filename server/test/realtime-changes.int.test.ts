/**
 * Issue 16, the change feed (postgres_changes) driven directly, with fake subscribers: the rules
 * decide who hears what (owner-only, DELETE and UPDATE-out-of-sight with the key only, column
 * grants), each filter operator, refusals, one round trip per batch, and the payload's shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RealtimeError, type ChangeSubscription } from '../src/realtime/types.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { Collector, eventually, sleep, startReplica, user, type Replica } from './realtime-changes-helpers.js'
import { sqlOn, USER_A, USER_B } from './rules-helpers.js'

let t: TestDatabase
let replica: Replica
const sql = (text: string, values: unknown[] = []) => sqlOn(t.url, text, values)

beforeAll(async () => {
  t = await createTestDatabase()
  await sql(`
    create table public.notes (id int primary key, owner_id uuid, title text, n int, secret text, tags int[], at timestamptz default now());
    alter table public.notes enable row level security;
    grant select, insert, update, delete on public.notes to anon, authenticated;
    create policy notes_owner on public.notes for select to authenticated using (owner_id = auth.uid());
    -- Column grants: a table-level grant covers every column, so take it back and grant columns.
    revoke select on public.notes from anon, authenticated;
    grant select (id, owner_id, title, n, tags, at) on public.notes to authenticated;
    select realtime.enable_table('public.notes');
    create table public.open (id int primary key, label text, n numeric);
    alter table public.open disable row level security;
    grant select on public.open to anon, authenticated;
    select realtime.enable_table('public.open');
    create table public.off (id int primary key);
    grant select on public.off to authenticated;`)
  replica = startReplica(t.url)
})
afterAll(async () => {
  await replica?.close()
  await t?.drop()
})

const A = () => new Collector(user(USER_A))
const B = () => new Collector(user(USER_B))
const notes = { event: '*', schema: 'public', table: 'notes' }

describe('who hears what', () => {
  it('owner-only: A hears its own insert, B nothing; the payload has Supabase shape plus a position', async () => {
    const [a, b] = [A(), B()]
    const subA = await replica.feed.subscribe(a, [notes])
    const subB = await replica.feed.subscribe(b, [notes])
    expect(subA.ids).toHaveLength(1)
    expect(subA.gap).toBe(false)
    await sql(`insert into public.notes (id, owner_id, title, n, secret, tags) values (1, $1, 'mine', 1, 'hush', '{1,2}')`, [USER_A])
    await eventually(() => expect(a.got).toHaveLength(1))
    const p = a.got[0]!
    expect(p.ids).toEqual(subA.ids)
    expect(p.data).toMatchObject({ schema: 'public', table: 'notes', type: 'INSERT', errors: null })
    expect(p.data.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(p.data.position).toMatch(/^\d+$/)
    // Column grants: `secret` is not selectable by authenticated, so it is nowhere.
    expect(p.data.columns).toEqual([
      { name: 'id', type: 'int4' },
      { name: 'owner_id', type: 'uuid' },
      { name: 'title', type: 'text' },
      { name: 'n', type: 'int4' },
      { name: 'tags', type: '_int4' },
      { name: 'at', type: 'timestamptz' },
    ])
    expect(p.data.record).toMatchObject({ id: 1, owner_id: USER_A, title: 'mine', n: 1, tags: [1, 2] })
    expect(p.data.record).not.toHaveProperty('secret')
    await sleep(200)
    expect(b.got).toEqual([])
    subA.unsubscribe()
    subB.unsubscribe()
  })

  it('a DELETE reaches only those who could see the row, with its key only', async () => {
    await sql(`insert into public.notes (id, owner_id, title) values (2, $1, 'b''s')`, [USER_B])
    const [a, b] = [A(), B()]
    const subs = [await replica.feed.subscribe(a, [notes]), await replica.feed.subscribe(b, [{ event: 'DELETE', schema: 'public', table: 'notes' }])]
    await sql(`delete from public.notes where id = 2`)
    await eventually(() => expect(b.got).toHaveLength(1))
    expect(b.seen()).toEqual([{ type: 'DELETE', ids: subs[1]!.ids, old: { id: 2 } }])
    await sleep(200)
    expect(a.got).toEqual([])
    for (const s of subs) s.unsubscribe()
  })

  it('an UPDATE moving a row out of sight tells the old key only to who saw it; into sight, the new row', async () => {
    await sql(`insert into public.notes (id, owner_id, title) values (3, $1, 'moving')`, [USER_A])
    const [a, b] = [A(), B()]
    const subs = [await replica.feed.subscribe(a, [notes]), await replica.feed.subscribe(b, [notes])]
    await sql(`update public.notes set owner_id = $1, title = 'given' where id = 3`, [USER_B])
    // The insert may still be on its way to the log when A subscribes (then A hears it too, which
    // is right): only the UPDATE is asserted.
    const updates = (c: ReturnType<typeof A>) => c.seen().filter((x) => x.type === 'UPDATE')
    await eventually(() => expect(updates(a)).toHaveLength(1))
    await eventually(() => expect(updates(b)).toHaveLength(1))
    expect(updates(a)).toEqual([{ type: 'UPDATE', ids: subs[0]!.ids, old: { id: 3 } }])
    const [bp] = updates(b)
    expect(bp).toMatchObject({ type: 'UPDATE', record: { id: 3, owner_id: USER_B, title: 'given' }, old: {} })
    for (const s of subs) s.unsubscribe()
  })

  it('RLS off: every role with the grant hears every row; a role without it is refused', async () => {
    const anon = new Collector({ role: 'anon', claims: { role: 'anon' } })
    const sub = await replica.feed.subscribe(anon, [{ event: 'INSERT', schema: 'public', table: 'open' }])
    await sql(`insert into public.open values (1, 'x', 1.5)`)
    await eventually(() => expect(anon.seen()).toEqual([{ type: 'INSERT', ids: sub.ids, record: { id: 1, label: 'x', n: 1.5 } }]))
    sub.unsubscribe()
    await expect(replica.feed.subscribe(new Collector({ role: 'anon', claims: {} }), [notes])).rejects.toThrow(/anon may not select from public.notes/)
  })
})

describe('filters', () => {
  const cases: [string, number[]][] = [
    ['n=eq.5', [5]],
    ['n=neq.5', [4, 6]],
    ['n=lt.5', [4]],
    ['n=lte.5', [4, 5]],
    ['n=gt.5', [6]],
    ['n=gte.5', [5, 6]],
    ['n=in.(4,6)', [4, 6]],
    ['title=eq.five', [5]],
  ]
  it('each operator, compared as the column type', async () => {
    const collectors = await Promise.all(
      cases.map(async ([filter]) => {
        const c = A()
        await replica.feed.subscribe(c, [{ event: 'INSERT', schema: 'public', table: 'notes', filter }])
        return c
      }),
    )
    await sql(`insert into public.notes (id, owner_id, title, n) values (14, $1, 'four', 4), (15, $1, 'five', 5), (16, $1, 'six', 6)`, [USER_A])
    // numeric, not text, order: 10 > 5 (text would say '10' < '5').
    await sql(`insert into public.notes (id, owner_id, title, n) values (20, $1, 'ten', 10)`, [USER_A])
    await sleep(300)
    const byFilter = Object.fromEntries(cases.map(([f], i) => [f, collectors[i]!.got.map((p) => p.data.record!.n)]))
    expect(byFilter).toEqual({
      'n=eq.5': [5],
      'n=neq.5': [4, 6, 10],
      'n=lt.5': [4],
      'n=lte.5': [4, 5],
      'n=gt.5': [6, 10],
      'n=gte.5': [5, 6, 10],
      'n=in.(4,6)': [4, 6],
      'title=eq.five': [5],
    })
  })

  it.each([
    [{ event: '*', schema: 'public', table: 'notes', filter: 'nope=eq.1' }, /unknown column nope/],
    [{ event: '*', schema: 'public', table: 'notes', filter: 'n=eq.abc' }, /invalid filter on n/],
    [{ event: '*', schema: 'public', table: 'notes', filter: 'n=like.1' }, /invalid filter operator/],
    [{ event: '*', schema: 'public', table: 'notes', filter: 'secret=eq.x' }, /may not select column secret/],
    [{ event: '*', schema: 'public', table: 'ghost' }, /unknown table public.ghost/],
    [{ event: '*', schema: 'public', table: 'off' }, /not enabled for realtime/],
    [{ event: '*', schema: 'nowhere' }, /unknown schema nowhere/],
    [{ event: 'TRUNCATE', schema: 'public', table: 'notes' }, /invalid event/],
  ])('refuses %o', async (spec, reason) => {
    const err = await replica.feed.subscribe(A(), [spec]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RealtimeError)
    expect((err as Error).message).toMatch(reason)
  })
})

describe('the batched check', () => {
  it('is one round trip per batch, whatever the number of subscribers and groups', async () => {
    const subs: { c: Collector; s: ChangeSubscription }[] = []
    for (let i = 0; i < 40; i++) {
      const c = new Collector(user(i % 2 === 0 ? USER_A : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`))
      subs.push({ c, s: await replica.feed.subscribe(c, [notes, { event: 'INSERT', schema: 'public' }]) })
    }
    await sleep(100)
    const before = replica.queries.filter((q) => q === 'check_changes').length
    await sql(`insert into public.notes (id, owner_id, title, n) select g, $1, 'bulk', g from generate_series(100, 149) g`, [USER_A])
    await eventually(() => expect(subs[0]!.c.got.length).toBe(50))
    const checks = replica.queries.filter((q) => q === 'check_changes').length - before
    // 50 rows of one statement: sequenced at once, read in one batch (a NOTIFY may split it in two).
    expect(checks).toBeGreaterThanOrEqual(1)
    expect(checks).toBeLessThanOrEqual(2)
    // Both of A's specs name the change (the table and the schema-wide INSERT one).
    expect(subs[0]!.c.got[0]!.ids).toEqual(subs[0]!.s.ids)
    expect(subs[1]!.c.got).toEqual([])
    for (const { s } of subs) s.unsubscribe()
  })

  it('a policy raising for some claims costs that group its batch, not the others', async () => {
    await sql(`create table public.fragile (id int primary key, v int);
               alter table public.fragile enable row level security;
               grant select on public.fragile to authenticated;
               create policy fragile_read on public.fragile for select to authenticated using (1 / (case when auth.jwt() ->> 'boom' = 'yes' then 0 else 1 end) = 1);
               select realtime.enable_table('public.fragile');`)
    const good = new Collector(user(USER_A))
    const bad = new Collector({ role: 'authenticated', claims: { sub: USER_B, boom: 'yes' } })
    const spec = { event: '*', schema: 'public', table: 'fragile' }
    const subs = [await replica.feed.subscribe(good, [spec]), await replica.feed.subscribe(bad, [spec])]
    await sql(`insert into public.fragile values (1, 1)`)
    await eventually(() => expect(good.got).toHaveLength(1))
    expect(bad.got).toEqual([])
    for (const s of subs) s.unsubscribe()
  })

  it("reads the table's own columns in the rules, whatever their names, on every side of a change", async () => {
    // Columns named like the compiled rules' variables and results (g, i, new_ok, ...), read
    // unqualified and qualified by the policy; a column added after the rules were compiled.
    await sql(`create table public.names (id int primary key, g uuid, i int, new_ok boolean, old_ok boolean, k int, img text, gi int, cl text, uid uuid, v int);
               alter table public.names enable row level security;
               grant select on public.names to authenticated;
               create policy names_read on public.names for select to authenticated using (g = auth.uid() and names.i > 0 and new_ok);
               select realtime.enable_table('public.names');`)
    const [a, b] = [A(), B()]
    const spec = { event: '*', schema: 'public', table: 'names' }
    const subs = [await replica.feed.subscribe(a, [spec]), await replica.feed.subscribe(b, [spec])]
    await sql(`insert into public.names (id, g, i, new_ok) values (1, $1, 1, true), (2, $1, 0, true), (3, $2, 1, true)`, [USER_A, USER_B])
    await eventually(() => expect(a.got.map((p) => p.data.record?.['id'])).toEqual([1]))
    await eventually(() => expect(b.got.map((p) => p.data.record?.['id'])).toEqual([3]))
    await sql(`alter table public.names add column extra text default 'x'`)
    // Row 1 moves out of A's sight (old side seen, new not), row 2 into it (new side only).
    await sql(`update public.names set i = 0 where id = 1; update public.names set i = 5, extra = 'y' where id = 2`)
    await eventually(() => expect(a.got).toHaveLength(3))
    expect(a.got.slice(1).map((p) => [p.data.type, p.data.record?.['id'] ?? null, p.data.old_record?.['id'] ?? null])).toEqual([
      ['UPDATE', null, 1],
      ['UPDATE', 2, null],
    ])
    expect(a.got[2]!.data.record).toMatchObject({ id: 2, i: 5, extra: 'y' })
    await sql(`delete from public.names where id = 3`)
    await eventually(() => expect(b.got.map((p) => p.data.type)).toEqual(['INSERT', 'DELETE']))
    expect(a.got).toHaveLength(3)
    for (const s of subs) s.unsubscribe()
  })

  it('compiles the rules of a role once per table, and a policy change takes effect on the next change', async () => {
    await sql(`create table public.board (id int primary key, owner_id uuid, pinned boolean not null default false);
               alter table public.board enable row level security;
               grant select on public.board to authenticated;
               create policy board_owner on public.board for select to authenticated using (owner_id = auth.uid());
               select realtime.enable_table('public.board');`)
    const [a, b] = [A(), B()]
    const spec = { event: 'INSERT', schema: 'public', table: 'board' }
    const subs = [await replica.feed.subscribe(a, [spec]), await replica.feed.subscribe(b, [spec])]
    await sql(`insert into public.board (id, owner_id, pinned) values (1, $1, true)`, [USER_A])
    await eventually(() => expect(a.got).toHaveLength(1))
    const compiled = () =>
      sql(`select p.proname from pg_proc p where p.pronamespace = 'realtime'::regnamespace and starts_with(p.proname, 'floe_rt_vis_' || 'public.board'::regclass::oid || '_')`)
    expect(await compiled()).toHaveLength(1)
    const [first] = await compiled()
    // Pinned rows become everyone's: B now hears them, the old compiled rules are gone.
    await sql(`create policy board_pinned on public.board for select to authenticated using (pinned)`)
    await sql(`insert into public.board (id, owner_id, pinned) values (2, $1, true)`, [USER_A])
    await eventually(() => expect(b.got.map((p) => p.data.record?.['id'])).toEqual([2]))
    expect(a.got.map((p) => p.data.record?.['id'])).toEqual([1, 2])
    const now = await compiled()
    expect(now).toHaveLength(1)
    expect(now[0]).not.toEqual(first)
    for (const s of subs) s.unsubscribe()
    // Turning realtime off takes the compiled rules with it.
    await sql(`select realtime.disable_table('public.board')`)
    expect(await compiled()).toEqual([])
  })
})
