/**
 * The unmodified supabase-js (realtime-js 2.109, serializer 2.0.0 by default, and 1.0.0 when
 * asked) against a real Floe with the real change feed and hub: broadcast with `self` and
 * `ack`, presence join and leave between two clients, postgres_changes end to end (A inserts
 * through REST, B who may see the row hears it within a second, C who may not hears nothing),
 * an access_token swap (setAuth) and a token expiring on an open channel.
 */
import { randomUUID } from 'node:crypto'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../src/auth/index.js'
import { buildTestApp, TEST_ANON_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { createNotesTable, sleep, subscribed, until } from './realtime-helpers.js'
import { supabaseClient } from './supabase-client.js'

let t: TestDatabase
let floe: TestApp
let origin: string
const clients: SupabaseClient[] = []
const owner = randomUUID()
const stranger = randomUUID()
let ownerToken: string
let strangerToken: string

/**
 * A client, its realtime token set before any channel joins: realtime-js captures a join's
 * payload when `subscribe()` runs, and supabase-js hands the `accessToken` option's token to
 * realtime only a tick after `createClient`, so a channel subscribed in the same tick joins with
 * the key alone (as against Supabase). Apps do this before subscribing as signed-in users.
 */
async function client(token?: string): Promise<SupabaseClient> {
  const c = supabaseClient(origin, TEST_ANON_KEY, token)
  clients.push(c)
  if (token) await c.realtime.setAuth(token)
  return c
}

beforeAll(async () => {
  t = await createTestDatabase()
  await createNotesTable(
    t.url,
    `create policy "own room" on realtime.messages for select to authenticated
      using (realtime.topic() = 'user:' || auth.uid()::text);`,
  )
  floe = await buildTestApp(t)
  origin = await floe.origin()
  ownerToken = await signJwt({ sub: owner, role: 'authenticated' }, floe.jwtKeys, '1h')
  strangerToken = await signJwt({ sub: stranger, role: 'authenticated' }, floe.jwtKeys, '1h')
})

afterAll(async () => {
  for (const c of clients) await c.removeAllChannels()
  await floe?.close()
  await t?.drop()
})

describe('broadcast', () => {
  it('reaches the others, and the sender with self; ack answers the send', async () => {
    const topic = `room-${randomUUID()}`
    const heardA: unknown[] = []
    const heardB: unknown[] = []
    const a = await subscribed((await client()).channel(topic, { config: { broadcast: { self: true, ack: true } } }).on('broadcast', { event: 'msg' }, (m) => heardA.push(m.payload)))
    const b = await subscribed((await client()).channel(topic).on('broadcast', { event: 'msg' }, (m) => heardB.push(m.payload)))
    expect(await a.send({ type: 'broadcast', event: 'msg', payload: { text: 'hi' } })).toBe('ok')
    await until('both hear it', () => heardA.length === 1 && heardB.length === 1)
    // Without self, B does not hear its own.
    await b.send({ type: 'broadcast', event: 'msg', payload: { text: 'from b' } })
    await until('A hears B', () => heardA.length === 2)
    await sleep(200)
    expect(heardA).toEqual([{ text: 'hi' }, { text: 'from b' }])
    expect(heardB).toEqual([{ text: 'hi' }])
  })

  it('reaches a channel from the server side: httpSend and send() without joining (POST /realtime/v1/api/broadcast)', async () => {
    const topic = `news-${randomUUID()}`
    const heard: unknown[] = []
    await subscribed((await client()).channel(topic).on('broadcast', { event: 'flash' }, (m) => heard.push(m.payload)))
    const sender = (await client()).channel(topic)
    expect(await sender.httpSend('flash', { n: 1 })).toEqual({ success: true })
    const warn = console.warn
    console.warn = () => undefined
    try {
      expect(await sender.send({ type: 'broadcast', event: 'flash', payload: { n: 2 } })).toBe('ok')
    } finally {
      console.warn = warn
    }
    await until('both server-side broadcasts', () => heard.length === 2)
    expect(heard).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('carries bytes as a binary broadcast (serializer 2.0.0)', async () => {
    const topic = `bytes-${randomUUID()}`
    const heard: unknown[] = []
    const a = await subscribed((await client()).channel(topic, { config: { broadcast: { self: true, ack: true } } }).on('broadcast', { event: 'blob' }, (m) => heard.push(m.payload)))
    expect(await a.send({ type: 'broadcast', event: 'blob', payload: new Uint8Array([7, 8, 9]).buffer })).toBe('ok')
    await until('the bytes', () => heard.length === 1)
    expect(heard[0]).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(heard[0] as ArrayBuffer)]).toEqual([7, 8, 9])
  })

  it('works over serializer 1.0.0 too', async () => {
    const topic = `v1-${randomUUID()}`
    const heard: unknown[] = []
    const v1 = createClient(origin, TEST_ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: WebSocket as never, vsn: '1.0.0' },
    })
    clients.push(v1)
    const a = await subscribed(v1.channel(topic, { config: { broadcast: { self: true, ack: true } } }).on('broadcast', { event: 'e' }, (m) => heard.push(m.payload)))
    expect(await a.send({ type: 'broadcast', event: 'e', payload: { v: 1 } })).toBe('ok')
    await until('its own broadcast', () => heard.length === 1)
    expect(heard).toEqual([{ v: 1 }])
  })
})

describe('private channels', () => {
  it('refuses a private channel the rules on realtime.messages do not open, naming the topic', async () => {
    const topic = `secret-${randomUUID()}`
    const channel = (await client(strangerToken)).channel(topic, { config: { private: true } })
    await expect(subscribed(channel)).rejects.toThrow(new RegExp(`permissions to read from this Channel topic: ${topic}`))
  })

  it("ends a private channel when a token swap takes away the right to read it", async () => {
    const c = await client(ownerToken)
    const system: { status: string; message: string }[] = []
    const statuses: string[] = []
    const channel = c.channel(`user:${owner}`, { config: { private: true } }).on('system', {}, (p: { status: string; message: string }) => system.push(p))
    await new Promise<void>((resolve, reject) =>
      channel.subscribe((status, err) => {
        statuses.push(status)
        if (status === 'SUBSCRIBED') resolve()
        else if (status !== 'CLOSED') reject(err ?? new Error(status))
      }),
    )
    await c.realtime.setAuth(strangerToken)
    await until('CLOSED', () => statuses.includes('CLOSED'))
    expect(system).toContainEqual(expect.objectContaining({ status: 'error', message: `You no longer have permission to read from this Channel topic: user:${owner}` }))
  })

  it('lists the broadcast API in the OpenAPI document', async () => {
    const doc = (await (await floe.http('http://floe.test/openapi.json')).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/realtime/v1/api/broadcast']))
  })
})

describe('presence', () => {
  it('shows a join and a leave between two clients', async () => {
    const topic = `lobby-${randomUUID()}`
    const joins: string[] = []
    const leaves: string[] = []
    const watcher = await subscribed(
      (await client())
        .channel(topic, { config: { presence: { key: 'watcher' } } })
        .on('presence', { event: 'join' }, ({ key }) => joins.push(key))
        .on('presence', { event: 'leave' }, ({ key }) => leaves.push(key)),
    )
    const walker = await subscribed((await client()).channel(topic, { config: { presence: { key: 'walker' } } }))
    expect(await walker.track({ mood: 'curious' })).toBe('ok')
    await until('the join', () => joins.includes('walker'))
    expect(watcher.presenceState()['walker']).toEqual([expect.objectContaining({ mood: 'curious' })])
    expect(await walker.untrack()).toBe('ok')
    await until('the leave', () => leaves.includes('walker'))
    expect(watcher.presenceState()['walker']).toBeUndefined()
  })
})

describe('postgres_changes', () => {
  it('A inserts through REST; B (allowed) hears it within a second, C (denied) hears nothing', async () => {
    const heardB: { at: number; row: unknown }[] = []
    const heardC: unknown[] = []
    await subscribed((await client(ownerToken)).channel(`b-${randomUUID()}`).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'notes' }, (p) => heardB.push({ at: Date.now(), row: p.new })))
    await subscribed((await client(strangerToken)).channel(`c-${randomUUID()}`).on('postgres_changes', { event: '*', schema: 'public', table: 'notes' }, (p) => heardC.push(p)))
    const sent = Date.now()
    const { error } = await (await client(ownerToken)).from('notes').insert({ owner_id: owner, body: 'hello' })
    expect(error).toBeNull()
    await until('B hears it', () => heardB.length === 1, 1000)
    expect(heardB[0]!.at - sent).toBeLessThan(1000)
    expect(heardB[0]!.row).toMatchObject({ owner_id: owner, body: 'hello', id: expect.any(Number) })
    await sleep(1000)
    expect(heardC).toEqual([])
  })

  it('with a filter, only matching rows', async () => {
    const heard: unknown[] = []
    await subscribed((await client(ownerToken)).channel(`f-${randomUUID()}`).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'notes', filter: 'body=eq.wanted' }, (p) => heard.push(p.new)))
    const writer = await client(ownerToken)
    await writer.from('notes').insert([{ owner_id: owner, body: 'unwanted' }, { owner_id: owner, body: 'wanted' }])
    await until('the wanted row', () => heard.length >= 1)
    await sleep(300)
    expect(heard).toEqual([expect.objectContaining({ body: 'wanted' })])
  })

  it('refuses a table that is not turned on, with the reason in the subscribe error', async () => {
    const channel = (await client(ownerToken)).channel(`x-${randomUUID()}`).on('postgres_changes', { event: '*', schema: 'public', table: 'no_such_table' }, () => undefined)
    await expect(subscribed(channel)).rejects.toThrow(/no_such_table/)
  })

  it('an access_token swap (setAuth) changes who the channel hears as', async () => {
    const heard: unknown[] = []
    const c = await client(strangerToken)
    await subscribed(c.channel(`swap-${randomUUID()}`).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'notes' }, (p) => heard.push(p.new)))
    await (await client(ownerToken)).from('notes').insert({ owner_id: owner, body: 'before' })
    await sleep(500)
    expect(heard).toEqual([])
    await c.realtime.setAuth(ownerToken)
    await sleep(200)
    await (await client(ownerToken)).from('notes').insert({ owner_id: owner, body: 'after' })
    await until('the change after the swap', () => heard.length === 1)
    expect(heard).toEqual([expect.objectContaining({ body: 'after' })])
  })
})

describe('postgres_changes: filters, deletes and column grants through supabase-js', () => {
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    await c.query(`
      create table scores (id bigserial primary key, owner_id uuid not null, n int not null, secret text);
      alter table scores enable row level security;
      create policy own_read on scores for select to authenticated using (owner_id = auth.uid());
      create policy own_write on scores for all to authenticated using (owner_id = auth.uid()) with check (owner_id = auth.uid());
      -- Column grants: new tables get a table-wide select by default, so take it back first.
      revoke select on scores from anon, authenticated;
      grant insert, update, delete on scores to authenticated;
      grant select (id, owner_id, n) on scores to authenticated;
      grant usage on sequence scores_id_seq to authenticated;
      select realtime.enable_table('public.scores');`)
    await c.end()
    await floe.schemaCache.reload()
  })

  it('each filter operator picks the rows a PostgREST filter would', async () => {
    const filters = ['n=eq.3', 'n=neq.3', 'n=lt.3', 'n=lte.3', 'n=gt.3', 'n=gte.3', 'n=in.(1,5)'] as const
    const heard = new Map<string, number[]>(filters.map((f) => [f, []]))
    const listener = await client(ownerToken)
    for (const filter of filters) {
      await subscribed(
        listener
          .channel(`op-${randomUUID()}`)
          .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'scores', filter }, (p) => heard.get(filter)!.push((p.new as { n: number }).n)),
      )
    }
    const { error } = await (await client(ownerToken)).from('scores').insert([1, 2, 3, 4, 5].map((n) => ({ owner_id: owner, n })))
    expect(error).toBeNull()
    await until('every filter heard its rows', () => heard.get('n=neq.3')!.length === 4 && heard.get('n=in.(1,5)')!.length === 2)
    await sleep(300)
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
    expect(Object.fromEntries([...heard].map(([f, ns]) => [f, sorted(ns)]))).toEqual({
      'n=eq.3': [3],
      'n=neq.3': [1, 2, 4, 5],
      'n=lt.3': [1, 2],
      'n=lte.3': [1, 2, 3],
      'n=gt.3': [4, 5],
      'n=gte.3': [3, 4, 5],
      'n=in.(1,5)': [1, 5],
    })
  })

  it('a DELETE reaches only who could see the row, with its key only; columns without a grant are never sent', async () => {
    const mine: { type: string; new: Record<string, unknown>; old: Record<string, unknown> }[] = []
    const theirs: unknown[] = []
    await subscribed(
      (await client(ownerToken))
        .channel(`del-${randomUUID()}`)
        .on('postgres_changes', { event: '*', schema: 'public', table: 'scores', filter: 'n=eq.42' }, (p) => mine.push({ type: p.eventType, new: p.new as Record<string, unknown>, old: p.old as Record<string, unknown> })),
    )
    await subscribed((await client(strangerToken)).channel(`del-${randomUUID()}`).on('postgres_changes', { event: '*', schema: 'public', table: 'scores' }, (p) => theirs.push(p)))
    const writer = await client(ownerToken)
    const { data, error } = await writer.from('scores').insert({ owner_id: owner, n: 42, secret: 'hush' }).select('id').single()
    expect(error).toBeNull()
    const id = (data as { id: number }).id
    await until('the insert', () => mine.length === 1)
    expect(mine[0]!.new).toEqual({ id, owner_id: owner, n: 42 })
    expect((await writer.from('scores').delete().eq('id', id)).error).toBeNull()
    await until('the delete', () => mine.length === 2)
    expect(mine[1]).toEqual({ type: 'DELETE', new: {}, old: { id } })
    await sleep(500)
    expect(theirs).toEqual([])
  })
})

describe('token expiry', () => {
  it('ends an open channel when its token expires: a system error, then CLOSED', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2
    const token = await signJwt({ sub: owner, role: 'authenticated' }, floe.jwtKeys, exp)
    const system: { status: string; message: string }[] = []
    const statuses: string[] = []
    const channel = (await client(token))
      .channel(`exp-${randomUUID()}`)
      .on('system', {}, (p: { status: string; message: string }) => system.push(p))
      .on('postgres_changes', { event: '*', schema: 'public', table: 'notes' }, () => undefined)
    await new Promise<void>((resolve, reject) =>
      channel.subscribe((status, err) => {
        statuses.push(status)
        if (status === 'SUBSCRIBED') resolve()
        else if (status !== 'CLOSED') reject(err ?? new Error(status))
      }),
    )
    await until('CLOSED', () => statuses.includes('CLOSED'), 6000)
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000)
    expect(system).toContainEqual(expect.objectContaining({ status: 'error', message: expect.stringMatching(/^Token has expired/) }))
  })
})
