/**
 * Resuming through the socket with the real change feed: a client receives a change and its
 * position, goes offline while 100 changes are made (half of them rows it may not see), rejoins
 * with `config.floe.since` and receives exactly the 50 it may see, in order, none twice, then
 * live changes again.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../src/auth/index.js'
import { buildTestApp, TEST_ANON_KEY, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { createNotesTable, RawClient, sleep, until, type Frame } from './realtime-helpers.js'

let t: TestDatabase
let floe: TestApp
let origin: string
let token: string
const owner = randomUUID()
const other = randomUUID()
const SPECS = [{ event: 'INSERT', schema: 'public', table: 'notes' }]

async function insert(rows: { owner_id: string; body: string }[]): Promise<void> {
  const res = await floe.http('http://floe.test/rest/v1/notes', {
    method: 'POST',
    headers: { apikey: TEST_SERVICE_KEY, authorization: `Bearer ${TEST_SERVICE_KEY}`, 'content-type': 'application/json', prefer: 'return=minimal' },
    body: JSON.stringify(rows),
  })
  expect(res.status).toBe(201)
}

const changes = (c: RawClient) => c.frames.filter((f): f is Frame => f.event === 'postgres_changes')

beforeAll(async () => {
  t = await createTestDatabase()
  await createNotesTable(t.url)
  floe = await buildTestApp(t)
  origin = await floe.origin()
  token = await signJwt({ sub: owner, role: 'authenticated' }, floe.jwtKeys, '1h')
})

afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('rejoin with the last position', () => {
  it('gets exactly the missed changes it may see, in order, none twice, then live ones', async () => {
    const first = await RawClient.open(origin, { apikey: TEST_ANON_KEY })
    expect((await first.reply(first.join('mine', { config: { postgres_changes: SPECS }, access_token: token }))).payload.status).toBe('ok')
    await insert([{ owner_id: owner, body: 'seen' }])
    await until('the first change', () => changes(first).length === 1)
    const last = changes(first)[0]!.payload.data.position as string
    expect(last).toEqual(expect.any(String))
    first.close()
    await sleep(100)

    await insert(Array.from({ length: 100 }, (_, i) => ({ owner_id: i % 2 === 0 ? owner : other, body: `missed-${i}` })))
    const again = await RawClient.open(origin, { apikey: TEST_ANON_KEY })
    const reply = await again.reply(again.join('mine', { config: { postgres_changes: SPECS, floe: { since: last } }, access_token: token }))
    expect(reply.payload.status).toBe('ok')
    await until('the 50 missed changes', () => changes(again).length >= 50, 10_000)
    await sleep(300)
    const bodies = changes(again).map((f) => f.payload.data.record.body as string)
    expect(bodies).toEqual(Array.from({ length: 50 }, (_, i) => `missed-${i * 2}`))
    const positions = changes(again).map((f) => BigInt(f.payload.data.position as string))
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true)
    // The reply came before the replayed changes.
    expect(again.frames.indexOf(reply)).toBeLessThan(again.frames.indexOf(changes(again)[0]!))

    await insert([{ owner_id: owner, body: 'live' }])
    await until('the live change', () => changes(again).length === 51)
    expect(changes(again)[50]!.payload.data.record.body).toBe('live')
    again.close()
  })
})
