/**
 * The realtime hub across two replicas (two hubs, each with its own pool and LISTEN connection,
 * on one database), over each bus: Redis pub/sub and Postgres NOTIFY. Broadcast reaches every
 * member once, `self` included only when asked; presence state and diffs span the replicas; a
 * dead replica's presences leave; large and binary payloads travel intact; limits refuse.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createHub, type RealtimeHub } from '../src/realtime/hub/index.js'
import { RealtimeError } from '../src/realtime/types.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { eventually, joinOptions, log, member, replicaDatabase, sleep, type Replica } from './realtime-hub-helpers.js'

const redisUrl = inject('redisUrl')

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase()
})
afterAll(async () => {
  await t?.drop()
})

type BusKind = 'redis' | 'postgres'
const kinds: BusKind[] = redisUrl ? ['redis', 'postgres'] : ['postgres']

describe.each(kinds)('over the %s bus', (kind) => {
  const replicas: Replica[] = []
  const hubs: RealtimeHub[] = []
  const redises: Redis[] = []
  const prefix = `floe-t-${randomBytes(4).toString('hex')}:`

  async function startHub(options: { heartbeatMs?: number; replicaTimeoutMs?: number; maxMessagesPerSecond?: number; maxPayloadBytes?: number } = {}) {
    const replica = replicaDatabase(t.url)
    replicas.push(replica)
    let redis: Redis | undefined
    if (kind === 'redis') {
      redis = new Redis(redisUrl!, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
      await redis.connect()
      redises.push(redis)
    }
    const hub = createHub({ ...replica, redis, redisPrefix: prefix, log, syncWaitMs: 50, ...options })
    hubs.push(hub)
    return hub
  }

  let a: RealtimeHub
  let b: RealtimeHub
  beforeAll(async () => {
    a = await startHub()
    b = await startHub()
  })
  afterAll(async () => {
    for (const hub of hubs) await hub.close()
    for (const r of replicas) await r.database.close()
    for (const r of redises) r.disconnect()
  })

  it('says which bus it uses', () => {
    expect(a.stats().bus).toBe(kind)
  })

  it('broadcasts to every member on every replica once, to the sender only with self', async () => {
    const topic = `room:${randomBytes(3).toString('hex')}`
    const [sender, selfSender, onA, onB] = [member(topic), member(topic), member(topic), member(topic)]
    await a.join(sender, joinOptions())
    await a.join(selfSender, joinOptions({ self: true }))
    await a.join(onA, joinOptions())
    await b.join(onB, joinOptions())

    await a.broadcast(sender, { event: 'hi', payload: { n: 1 } })
    await a.broadcast(selfSender, { event: 'hi', payload: { n: 2 } })

    await eventually(() => onB.broadcasts.length === 2, 3_000, 'both messages on replica b')
    await sleep(100)
    expect(onB.broadcasts).toEqual([
      { event: 'hi', payload: { n: 1 } },
      { event: 'hi', payload: { n: 2 } },
    ])
    expect(onA.broadcasts.map((m) => m.payload)).toEqual([{ n: 1 }, { n: 2 }])
    expect(sender.broadcasts.map((m) => m.payload)).toEqual([{ n: 2 }])
    expect(selfSender.broadcasts.map((m) => m.payload)).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('keeps a private and a public channel of the same name apart', async () => {
    const topic = `room:${randomBytes(3).toString('hex')}`
    const pub = member(topic)
    await b.join(pub, joinOptions())
    await a.broadcastFrom(topic, { event: 'secret', payload: {} }, { private: true })
    await a.broadcastFrom(topic, { event: 'open', payload: {} }, { private: false })
    await eventually(() => pub.broadcasts.length === 1)
    await sleep(100)
    expect(pub.broadcasts.map((m) => m.event)).toEqual(['open'])
  })

  it('carries payloads larger than a NOTIFY and binary payloads intact', async () => {
    const topic = `room:${randomBytes(3).toString('hex')}`
    const [sender, receiver] = [member(topic), member(topic)]
    await a.join(sender, joinOptions())
    await b.join(receiver, joinOptions())
    const big = { text: 'x'.repeat(20_000), unicode: 'é✓🙂'.repeat(1000) }
    const bytes = new Uint8Array(randomBytes(30_000))
    await a.broadcast(sender, { event: 'big', payload: big })
    await a.broadcast(sender, { event: 'small', payload: 1 })
    await a.broadcast(sender, { event: 'bin', payload: bytes, binary: true })
    await eventually(() => receiver.broadcasts.length === 3, 3_000, 'three messages')
    expect(receiver.broadcasts.map((m) => m.event)).toEqual(['big', 'small', 'bin'])
    expect(receiver.broadcasts[0]!.payload).toEqual(big)
    const got = receiver.broadcasts[2]!
    expect(got.binary).toBe(true)
    expect(Buffer.from(got.payload as Uint8Array).equals(Buffer.from(bytes))).toBe(true)
  })

  it('sends the presence state of all replicas on join and diffs to everyone on track, re-track and leave', async () => {
    const topic = `room:${randomBytes(3).toString('hex')}`
    const alice = member(topic)
    const bob = member(topic)
    await a.join(alice, joinOptions({ key: 'alice' }))
    await a.track(alice, { status: 'online' })
    // Presence across replicas is eventually consistent, as Phoenix Presence: the diff is on its way.
    await sleep(100)

    await b.join(bob, joinOptions({ key: 'bob' }))
    const state = await eventually(() => bob.presence.find((p) => p.event === 'presence_state'), 3_000, 'presence_state')
    expect(state.payload).toEqual({ alice: { metas: [{ status: 'online', phx_ref: expect.any(String) }] } })

    await b.track(bob, { status: 'away' })
    const joinSeen = await eventually(() => alice.presence.find((p) => p.event === 'presence_diff' && 'bob' in (p.payload as { joins: object }).joins), 3_000, 'bob joins')
    expect(joinSeen.payload).toEqual({ joins: { bob: { metas: [{ status: 'away', phx_ref: expect.any(String) }] } }, leaves: {} })

    bob.presence.length = 0
    await a.track(alice, { status: 'busy' })
    const retrack = await eventually(() => bob.presence.find((p) => p.event === 'presence_diff'), 3_000, 'alice re-tracks')
    const diff = retrack.payload as { joins: Record<string, { metas: Record<string, unknown>[] }>; leaves: Record<string, { metas: Record<string, unknown>[] }> }
    expect(diff.leaves.alice!.metas[0]).toMatchObject({ status: 'online' })
    expect(diff.joins.alice!.metas[0]).toMatchObject({ status: 'busy', phx_ref_prev: diff.leaves.alice!.metas[0]!.phx_ref })

    bob.presence.length = 0
    await a.leave(alice)
    const left = await eventually(() => bob.presence.find((p) => p.event === 'presence_diff'), 3_000, 'alice leaves')
    expect(left.payload).toEqual({ joins: {}, leaves: { alice: { metas: [expect.objectContaining({ status: 'busy' })] } } })

    const carol = member(topic)
    await a.join(carol, joinOptions())
    const carolState = await eventually(() => carol.presence.find((p) => p.event === 'presence_state'))
    expect(Object.keys(carolState.payload as object)).toEqual(['bob'])
  })

  it('gives a join without a presence key a key of its own', async () => {
    const topic = `room:${randomBytes(3).toString('hex')}`
    const [x, y] = [member(topic), member(topic)]
    await a.join(x, joinOptions())
    await a.join(y, joinOptions())
    await a.track(x, { n: 1 })
    await a.track(y, { n: 2 })
    const z = member(topic)
    await b.join(z, joinOptions())
    // What replica b knows when z joins comes in presence_state; a track that was still on the bus
    // from replica a follows as a presence_diff (as from Supabase). Two keys of their own in all.
    const keys = () => {
      const seen = new Set<string>()
      for (const p of z.presence) {
        const joins = p.event === 'presence_state' ? p.payload : (p.payload as { joins: object }).joins
        for (const k of Object.keys(joins as object)) seen.add(k)
      }
      return seen
    }
    await eventually(() => keys().size === 2, 5_000, 'both members known to z')
    expect([...keys()].every((k) => k.length >= 16)).toBe(true)
  })

  it("lets a dead replica's presences leave within the timeout", async () => {
    const c = await startHub({ heartbeatMs: 50, replicaTimeoutMs: 400 })
    const d = await startHub({ heartbeatMs: 50, replicaTimeoutMs: 400 })
    const topic = `room:${randomBytes(3).toString('hex')}`
    const ghost = member(topic)
    const watcher = member(topic)
    await d.join(ghost, joinOptions({ key: 'ghost' }))
    await c.join(watcher, joinOptions())
    await d.track(ghost, { here: true })
    await eventually(() => watcher.presence.some((p) => p.event === 'presence_diff'), 3_000, 'ghost joins')
    // d dies without a goodbye: its heartbeats stop and nothing more comes from it.
    ;(d as unknown as { sync: { close(): string } }).sync.close()
    await (d as unknown as { deps: { bus: { close(): Promise<void> } } }).deps.bus.close()
    ;(d as unknown as { publish: (text: string) => Promise<void> }).publish = async () => undefined
    const started = Date.now()
    await eventually(() => watcher.presence.some((p) => p.event === 'presence_diff' && 'ghost' in (p.payload as { leaves: object }).leaves), 3_000, 'ghost leaves')
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  it('refuses payloads over the limit and members over the rate, with reasons', async () => {
    const hub = await startHub({ maxPayloadBytes: 100, maxMessagesPerSecond: 3 })
    const topic = `room:${randomBytes(3).toString('hex')}`
    const m = member(topic)
    await hub.join(m, joinOptions())
    await expect(hub.broadcast(m, { event: 'e', payload: 'x'.repeat(200) })).rejects.toThrow(/Payload size exceeded/)
    await hub.broadcast(m, { event: 'e', payload: 1 })
    await hub.broadcast(m, { event: 'e', payload: 2 })
    const refused = await hub.broadcast(m, { event: 'e', payload: 3 }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(RealtimeError)
    expect((refused as Error).message).toMatch(/Too many messages per second/)
  })
})
