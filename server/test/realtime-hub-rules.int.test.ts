/**
 * Private channels decided by the rules on `realtime.messages` (read: a select rule; write: an
 * insert rule; `realtime.topic()` the topic), `realtime.send` from SQL delivered after COMMIT and
 * never on rollback, on every replica, and the broadcast API (`POST /api/broadcast` and its
 * single-message form) with its answers.
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRouter } from '../src/http/index.js'
import { createHub, type RealtimeHub } from '../src/realtime/hub/index.js'
import { registerBroadcastApi } from '../src/realtime/routes/broadcast-api.js'
import { RealtimeError } from '../src/realtime/types.js'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { eventually, joinOptions, log, member, replicaDatabase, sleep, type Replica } from './realtime-hub-helpers.js'

let t: TestDatabase
let admin: pg.Client
let ra: Replica
let rb: Replica
let a: RealtimeHub
let b: RealtimeHub

const uid = '0a6b1c2d-0000-4000-8000-000000000001'
const other = '0a6b1c2d-0000-4000-8000-000000000002'
const user = (sub: string) => ({ role: 'authenticated', claims: { role: 'authenticated', sub } })
const room = (name: string) => `${name}:${randomBytes(3).toString('hex')}`

beforeAll(async () => {
  t = await createTestDatabase()
  admin = new pg.Client({ connectionString: t.url })
  await admin.connect()
  await admin.query(`
    create policy "read open rooms" on realtime.messages for select to authenticated
      using (realtime.topic() like 'open:%');
    create policy "write open rooms" on realtime.messages for insert to authenticated
      with check (realtime.topic() like 'open:%' and extension = 'broadcast');
    create policy "read-only rooms" on realtime.messages for select to authenticated
      using (realtime.topic() like 'readonly:%' and extension = 'broadcast');
    create policy "own room" on realtime.messages for select to authenticated
      using (realtime.topic() = 'user:' || auth.uid()::text);
    create policy "own room write" on realtime.messages for all to authenticated
      using (realtime.topic() = 'user:' || auth.uid()::text)
      with check (realtime.topic() = 'user:' || auth.uid()::text);
    create policy "broken" on realtime.messages for select to authenticated
      using (realtime.topic() like 'broken:%' and 1 / (length(realtime.topic()) - length(realtime.topic())) = 1);
  `)
  ra = replicaDatabase(t.url)
  rb = replicaDatabase(t.url)
  a = createHub({ ...ra, redisPrefix: 'unused:', log, syncWaitMs: 20 })
  b = createHub({ ...rb, redisPrefix: 'unused:', log, syncWaitMs: 20 })
})
afterAll(async () => {
  await a?.close()
  await b?.close()
  await ra?.database.close()
  await rb?.database.close()
  await admin?.end()
  await t?.drop()
})

describe('private channels', () => {
  it('refuses a join that no select rule allows, naming the topic', async () => {
    const topic = room('closed')
    const err = await a.join(member(topic, { private: true, ...user(uid) }), joinOptions()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RealtimeError)
    expect((err as Error).message).toBe(`You do not have permissions to read from this Channel topic: ${topic}`)
    await expect(a.join(member(topic, { private: true, role: 'anon' }), joinOptions())).rejects.toThrow(RealtimeError)
  })

  it('grants read and write as the rules say, for each extension', async () => {
    const open = room('open')
    const m = member(open, { private: true, ...user(uid) })
    expect(await a.join(m, joinOptions())).toEqual({ read: true, write: true })
    await a.broadcast(m, { event: 'e', payload: 1 })
    // The insert rule admits broadcast only: no presence write.
    await expect(a.track(m, { x: 1 })).rejects.toThrow(/permissions to track presence/)

    const ro = room('readonly')
    const r = member(ro, { private: true, ...user(uid) })
    expect(await a.join(r, joinOptions())).toEqual({ read: true, write: false })
    await expect(a.broadcast(r, { event: 'e', payload: 1 })).rejects.toThrow(`You do not have permissions to write to this Channel topic: ${ro}`)
  })

  it('reads the claims: a user may join its own room and not another', async () => {
    const mine = member(`user:${uid}`, { private: true, ...user(uid) })
    expect(await a.join(mine, joinOptions())).toEqual({ read: true, write: true })
    await a.track(mine, { online: true })
    await expect(a.join(member(`user:${uid}`, { private: true, ...user(other) }), joinOptions())).rejects.toThrow(RealtimeError)
    await a.leave(mine)
  })

  it('lets the service role do anything, and denies when a rule fails', async () => {
    const m = member(room('closed'), { private: true, role: 'service_role', claims: { role: 'service_role' } })
    expect(await a.join(m, joinOptions())).toEqual({ read: true, write: true })
    await expect(a.join(member(room('broken'), { private: true, ...user(uid) }), joinOptions())).rejects.toThrow(/do not have permissions to read/)
  })

  it('sends presence diffs only to members that may read presence', async () => {
    const topic = room('readonly')
    const reader = member(topic, { private: true, ...user(uid) })
    const service = member(topic, { private: true, role: 'service_role', claims: { role: 'service_role' } })
    const watcher = member(topic, { private: true, role: 'service_role', claims: { role: 'service_role' } })
    await b.join(reader, joinOptions())
    await a.join(service, joinOptions())
    await b.join(watcher, joinOptions())
    await a.track(service, { s: 1 })
    await a.broadcast(service, { event: 'e', payload: 1 })
    await eventually(() => watcher.presence.some((p) => p.event === 'presence_diff') && watcher.broadcasts.length === 1, 3_000)
    await eventually(() => reader.broadcasts.length === 1, 3_000)
    expect(reader.presence).toEqual([])
  })

  it('leaves nothing behind in realtime.messages', async () => {
    const { rows } = await admin.query<{ n: number }>('select count(*)::int as n from realtime.messages')
    expect(rows[0]!.n).toBe(0)
  })
})

describe('realtime.send', () => {
  it('delivers after COMMIT on every replica, with the id added, and never on rollback', async () => {
    const topic = room('news')
    const [onA, onB] = [member(topic), member(topic)]
    await a.join(onA, joinOptions())
    await b.join(onB, joinOptions())

    await admin.query('begin')
    await admin.query(`select realtime.send('{"n": 1}', 'rolled', $1, false)`, [topic])
    await admin.query('rollback')
    await admin.query('begin')
    await admin.query(`select realtime.send('{"n": 2}', 'sent', $1, false)`, [topic])
    await sleep(100)
    expect(onA.broadcasts).toEqual([])
    await admin.query('commit')

    await eventually(() => onA.broadcasts.length === 1 && onB.broadcasts.length === 1, 3_000, 'delivered on both replicas')
    await sleep(100)
    expect(onA.broadcasts).toEqual([{ event: 'sent', payload: { n: 2, id: expect.stringMatching(/^[0-9a-f-]{36}$/) } }])
    expect(onB.broadcasts).toEqual(onA.broadcasts)
  })

  it('reaches private members only when private, carries large and binary payloads', async () => {
    const topic = room('open')
    const priv = member(topic, { private: true, ...user(uid) })
    const pub = member(topic)
    await b.join(priv, joinOptions())
    await b.join(pub, joinOptions())
    const big = 'y'.repeat(20_000)
    await admin.query(`select realtime.send(jsonb_build_object('big', $2::text), 'big', $1)`, [topic, big])
    await admin.query(`select realtime.send_binary('\\x00ff10'::bytea, 'bin', $1)`, [topic])
    await eventually(() => priv.broadcasts.length === 2, 3_000, 'both on the private channel')
    expect(priv.broadcasts[0]).toMatchObject({ event: 'big', payload: { big } })
    expect(priv.broadcasts[1]!.binary).toBe(true)
    expect([...(priv.broadcasts[1]!.payload as Uint8Array)]).toEqual([0, 255, 16])
    expect(pub.broadcasts).toEqual([])
  })

  it('works from a security definer trigger fired by a user, and is only a warning without the right', async () => {
    const topic = room('orders')
    const m = member(topic)
    await a.join(m, joinOptions())
    await admin.query(`
      create table public.orders (id serial primary key, item text);
      grant insert on public.orders to authenticated;
      grant usage on sequence public.orders_id_seq to authenticated;
      create policy "anyone orders" on public.orders for insert to authenticated with check (true);
      create function public.orders_broadcast() returns trigger language plpgsql security definer set search_path = '' as $$
      begin
        perform realtime.send(jsonb_build_object('item', new.item), 'new_order', '${topic}', false);
        return new;
      end $$;
      create trigger orders_broadcast after insert on public.orders for each row execute function public.orders_broadcast();`)
    await ra.withRequestRole(user(uid), (trx) => sql`insert into public.orders (item) values ('tea')`.execute(trx))
    await eventually(() => m.broadcasts.length === 1, 3_000, 'the trigger broadcast')
    expect(m.broadcasts[0]).toMatchObject({ event: 'new_order', payload: { item: 'tea' } })

    // As the user, without an insert rule on this topic: a warning, the transaction goes on.
    const done = await ra.withRequestRole(user(uid), (trx) => sql<{ ok: number }>`select realtime.send('{}', 'x', ${topic}) is null as ok`.execute(trx))
    expect(done.rows).toHaveLength(1)
    await sleep(100)
    expect(m.broadcasts).toHaveLength(1)
  })
})

describe('retention', () => {
  it('deletes messages older than the retention', async () => {
    await admin.query(`select realtime.send('{}', 'old', 'sweep:1', false)`)
    const sweeper = createHub({ ...ra, redisPrefix: 'unused:', log, syncWaitMs: 0, sweepMs: 50, messageRetentionS: 0 })
    try {
      const deadline = Date.now() + 3_000
      let n = 1
      while (n > 0 && Date.now() < deadline) {
        await sleep(50)
        n = (await admin.query<{ n: number }>(`select count(*)::int as n from realtime.messages where topic = 'sweep:1'`)).rows[0]!.n
      }
      expect(n).toBe(0)
    } finally {
      await sweeper.close()
    }
  })
})

describe('POST /api/broadcast', () => {
  let floe: TestApp
  let small: RealtimeHub
  beforeAll(async () => {
    floe = await buildTestApp(t)
    const router = createRouter()
    registerBroadcastApi(router, a)
    floe.app.route('/rt-hub-test', router)
    small = createHub({ ...ra, redisPrefix: 'unused:', log, syncWaitMs: 0, maxPayloadBytes: 50 })
    const smallRouter = createRouter()
    registerBroadcastApi(smallRouter, small)
    floe.app.route('/rt-hub-small', smallRouter)
  })
  afterAll(async () => {
    await small?.close()
    await floe?.close()
  })

  const post = (path: string, headers: Record<string, string>, body: unknown, type = 'application/json') =>
    floe.app.request(`/rt-hub-test/api/broadcast${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': type },
      body: body instanceof Uint8Array ? body : JSON.stringify(body),
    })

  it('sends to public topics with the anon key, 202 and no body, to every replica', async () => {
    const topic = room('api')
    const m = member(topic)
    await b.join(m, joinOptions())
    const res = await post('', floe.anon, { messages: [{ topic, event: 'hello', payload: { a: 1 } }] })
    expect(res.status).toBe(202)
    expect(await res.text()).toBe('')
    await eventually(() => m.broadcasts.length === 1, 3_000)
    expect(m.broadcasts[0]).toEqual({ event: 'hello', payload: { a: 1 } })
  })

  it('needs the insert right for a private topic, and refuses the whole batch without it', async () => {
    const closed = room('closed')
    const open = room('open')
    const onOpen = member(open, { private: true, role: 'service_role', claims: {} })
    await a.join(onOpen, joinOptions())
    const batch = { messages: [{ topic: open, event: 'e', payload: {}, private: true }, { topic: closed, event: 'e', payload: {}, private: true }] }

    const denied = await post('', await floe.asUser({ sub: uid }), batch)
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({ code: 'FORBIDDEN', message: `You do not have permissions to write to this Channel topic: ${closed}`, details: null, hint: expect.any(String) })
    expect((await post('', floe.anon, { messages: [batch.messages[0]] })).status).toBe(403)

    expect((await post('', await floe.asUser({ sub: uid }), { messages: [batch.messages[0]] })).status).toBe(202)
    expect((await post('', floe.service, batch)).status).toBe(202)
    await eventually(() => onOpen.broadcasts.length === 2, 3_000)
  })

  it('answers bad input in the shared error shape', async () => {
    const missing = await post('', floe.anon, { messages: [{ topic: 'x', payload: {} }] })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ code: 'INVALID_INPUT' })
    expect((await post('', floe.anon, { messages: [] })).status).toBe(400)
    expect((await post('', floe.anon, { messages: [{ topic: 'x', event: 'e', payload: 'not an object' }] })).status).toBe(400)
    const unauthenticated = await floe.app.request('/rt-hub-test/api/broadcast', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages":[]}' })
    expect(unauthenticated.status).toBe(401)
  })

  it('refuses a payload over the limit with 413', async () => {
    const res = await floe.app.request('/rt-hub-small/api/broadcast', {
      method: 'POST',
      headers: { ...floe.anon, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: 'x', event: 'e', payload: { t: 'z'.repeat(100) } }] }),
    })
    expect(res.status).toBe(413)
  })

  it('refuses a payload nested deeper than 100 levels with 400, by either route and from a member, instead of failing to send it', async () => {
    // JSON.parse takes 5,000 levels; JSON.stringify overflows the stack on them (a 500 before).
    const deepText = '['.repeat(5000) + ']'.repeat(5000)
    const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels))
    const deep = nested(5000)
    const raw = (path: string, body: string) =>
      floe.app.request(`/rt-hub-test/api/broadcast${path}`, { method: 'POST', headers: { ...floe.service, 'content-type': 'application/json' }, body })
    for (const res of [
      await raw('', `{"messages":[{"topic":"x","event":"e","payload":{"deep":${deepText}}}]}`),
      await raw('/x/events/e', deepText),
    ]) {
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'INVALID_INPUT', details: 'A payload to x nests deeper than 100 levels' })
    }
    expect((await post('/x/events/e', floe.service, { ok: nested(99) })).status).toBe(202)

    const topic = room('deep')
    const m = member(topic)
    await a.join(m, joinOptions())
    await expect(a.broadcast(m, { event: 'e', payload: { deep } })).rejects.toThrow('Payload nests deeper than 100 levels')
    await expect(a.track(m, { deep })).rejects.toThrow('Payload nests deeper than 100 levels')
  })

  it('sends one message by path, JSON or bytes, private with ?private=true', async () => {
    const topic = room('open')
    const m = member(topic, { private: true, ...user(uid) })
    await b.join(m, joinOptions())
    const headers = await floe.asUser({ sub: uid })
    const path = `/${encodeURIComponent(topic)}/events/ping?private=true`
    expect((await post(path, headers, { hello: 'world' })).status).toBe(202)
    expect((await post(path, headers, new Uint8Array([1, 2, 3]), 'application/octet-stream')).status).toBe(202)
    await eventually(() => m.broadcasts.length === 2, 3_000)
    expect(m.broadcasts[0]).toEqual({ event: 'ping', payload: { hello: 'world' } })
    expect(m.broadcasts[1]!.binary).toBe(true)
    expect([...(m.broadcasts[1]!.payload as Uint8Array)]).toEqual([1, 2, 3])
    expect((await post(`/${encodeURIComponent(room('closed'))}/events/ping?private=true`, headers, {})).status).toBe(403)
  })
})
