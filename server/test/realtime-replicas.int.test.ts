/**
 * Realtime across replicas: two `floe start` processes on the same database, on different ports.
 * A change written through one reaches a subscriber connected to the other exactly once; a
 * broadcast and a presence track on one reach a member on the other. Once with Redis as the bus
 * (REDIS_URL, its own key prefix) and once with Postgres alone.
 */
import { randomUUID } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jwtKeysFrom, signJwt } from '../src/auth/index.js'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SERVICE_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { dropPrefix, testPrefix } from './jobs-helpers.js'
import { startFloeProcess, type FloeProcess } from './process.js'
import { createNotesTable, subscribed, until } from './realtime-helpers.js'
import { supabaseClient } from './supabase-client.js'

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

describe.each([
  ['Redis', true],
  ['Postgres', false],
])('two replicas, %s as the bus', (_name, withRedis) => {
  let t: TestDatabase
  let a: FloeProcess
  let b: FloeProcess
  const clients: SupabaseClient[] = []
  const owner = randomUUID()
  let ownerToken: string
  let prefix: string | undefined

  beforeAll(async () => {
    t = await createTestDatabase()
    await createNotesTable(t.url)
    prefix = withRedis ? testPrefix() : undefined
    const extra: Record<string, string> = prefix ? { REDIS_URL, REDIS_PREFIX: prefix } : {}
    a = await startFloeProcess(testEnv(t, { PORT: String(await findFreePort()), ...extra }))
    b = await startFloeProcess(testEnv(t, { PORT: String(await findFreePort()), ...extra }))
    ownerToken = await signJwt({ sub: owner, role: 'authenticated' }, jwtKeysFrom(TEST_JWT_SECRET), '1h')
  }, 60_000)

  afterAll(async () => {
    for (const c of clients) await c.removeAllChannels()
    for (const p of [a, b]) {
      if (!p) continue
      p.signal('SIGTERM')
      await p.exited
    }
    await t?.drop()
    // The replicas declare the built-in queues under the prefix: leave Redis as it was found.
    if (prefix) await dropPrefix(REDIS_URL, prefix)
  }, 30_000)

  /** A client whose realtime token is set before any channel joins (as realtime-supabase.int.test.ts explains). */
  const client = async (url: string, token?: string) => {
    const c = supabaseClient(url, TEST_ANON_KEY, token)
    clients.push(c)
    if (token) await c.realtime.setAuth(token)
    return c
  }

  it('delivers a change written through one replica to a subscriber on the other, once', async () => {
    const got: unknown[] = []
    const channel = (await client(b.url, ownerToken))
      .channel(`notes-${randomUUID()}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'notes' }, (p) => got.push(p.new))
    await subscribed(channel)
    const writer = await client(a.url, ownerToken)
    const { error } = await writer.from('notes').insert({ owner_id: owner, body: 'from a' })
    expect(error).toBeNull()
    await until('the change on replica b', () => got.length >= 1)
    // Long enough for a second copy from the other replica to arrive, if one were sent.
    await new Promise((r) => setTimeout(r, 1000))
    expect(got).toEqual([expect.objectContaining({ owner_id: owner, body: 'from a' })])
  })

  it('carries a broadcast and a presence track from one replica to the other', async () => {
    const topic = `room-${randomUUID()}`
    const heard: unknown[] = []
    const onB = (await client(b.url))
      .channel(topic, { config: { presence: { key: 'listener' } } })
      .on('broadcast', { event: 'hello' }, (m) => heard.push(m.payload))
      .on('presence', { event: 'sync' }, () => undefined)
    await subscribed(onB)
    const onA = (await client(a.url)).channel(topic, { config: { presence: { key: 'speaker' } } })
    await subscribed(onA)
    await onA.send({ type: 'broadcast', event: 'hello', payload: { n: 1 } })
    await until('the broadcast on replica b', () => heard.length === 1)
    expect(heard).toEqual([{ n: 1 }])
    await onA.track({ mood: 'fine' })
    await until('the presence on replica b', () => 'speaker' in onB.presenceState())
    expect(onB.presenceState()['speaker']).toEqual([expect.objectContaining({ mood: 'fine' })])
  })

  it('lets the service key broadcast over HTTP to a member on either replica', async () => {
    const topic = `news-${randomUUID()}`
    const heard: unknown[] = []
    const member = (await client(a.url)).channel(topic).on('broadcast', { event: 'flash' }, (m) => heard.push(m.payload))
    await subscribed(member)
    const res = await fetch(`${b.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: TEST_SERVICE_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic, event: 'flash', payload: { x: 1 }, private: false }] }),
    })
    expect(res.status).toBe(202)
    await until('the HTTP broadcast on replica a', () => heard.length === 1)
    expect(heard).toEqual([{ x: 1 }])
  })
})
