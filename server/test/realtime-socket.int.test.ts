/**
 * The realtime WebSocket through the real Node server, with a raw client speaking the Phoenix
 * frames by hand (both serializers): replies, heartbeats, joins and leaves, the postgres_changes
 * echo, token expiry and swaps, limits and malformed input. The change feed and the hub are
 * stand-ins here (recording what the socket side hands them), so what is tested is the protocol;
 * realtime-supabase*.int.test.ts drives the real ones with supabase-js.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServerApp } from '../src/app.js'
import { signJwt } from '../src/auth/index.js'
import { ApiError } from '../src/errors/index.js'
import type { Identity } from '../src/http/index.js'
import { createRealtime, RealtimeError, type Realtime } from '../src/realtime/index.js'
import type { ChangeFeed, ChangeSpecInput, ChangeSubscriber, ChannelMember, Hub, JoinOptions } from '../src/realtime/types.js'
import { buildTestApp, serveOverHttp, TEST_ANON_KEY, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { RawClient, sleep, until, userBroadcastPush } from './realtime-helpers.js'

type Member = { member: ChannelMember; options: JoinOptions }

function fakeHub() {
  const members = new Map<string, Member>()
  const inTopic = (topic: string) => [...members.values()].filter((m) => m.member.topic === topic)
  const hub: Hub & { members: Map<string, Member>; left: string[] } = {
    members,
    left: [],
    async join(member, options) {
      if (member.topic === 'forbidden') throw new RealtimeError('Unauthorized: You do not have permissions to read from this Channel topic: forbidden')
      members.set(member.id, { member, options })
      if (options.presence.enabled) member.sendPresence('presence_state', {})
      return { read: true, write: true }
    },
    async broadcast(member, message) {
      if (message.event === 'refused') throw new RealtimeError('Unauthorized: You do not have permissions to write to this Channel topic')
      const self = members.get(member.id)?.options.broadcast.self
      for (const m of inTopic(member.topic)) if (m.member.id !== member.id || self) m.member.sendBroadcast(message)
    },
    async broadcastFrom() {},
    async track(member, meta) {
      const key = members.get(member.id)!.options.presence.key
      for (const m of inTopic(member.topic)) m.member.sendPresence('presence_diff', { joins: { [key]: { metas: [{ ...meta, phx_ref: 'r1' }] } }, leaves: {} })
    },
    async untrack() {},
    async leave(member) {
      members.delete(member.id)
      hub.left.push(member.id)
    },
    stats: () => ({ topics: 0, members: members.size, bus: 'postgres' as const }),
    close: async () => {},
  }
  return hub
}

type Sub = { subscriber: ChangeSubscriber; specs: ChangeSpecInput[]; since: string | undefined; active: boolean }

function fakeFeed() {
  const subs: Sub[] = []
  let nextId = 1000
  const feed: ChangeFeed & { subs: Sub[] } = {
    subs,
    async subscribe(subscriber, specs, options) {
      const bad = specs.find((s) => s.table === 'missing')
      if (bad) throw new RealtimeError('Unable to subscribe to changes with given parameters: table public.missing does not exist')
      const sub: Sub = { subscriber, specs, since: options?.since, active: true }
      subs.push(sub)
      // Replayed before the join resolves: the client must still see the reply first.
      if (options?.since) subscriber.deliver(change([nextId], 'replayed'))
      return { ids: specs.map(() => nextId++), gap: options?.since === '0', unsubscribe: () => void (sub.active = false) }
    },
    stats: () => ({ subscribers: subs.filter((s) => s.active).length, position: null, lag: 0 }),
    close: async () => {},
  }
  return feed
}

const change = (ids: number[], body: string) => ({
  ids,
  data: { schema: 'public', table: 'notes', commit_timestamp: '2026-01-01T00:00:00.000Z', type: 'INSERT' as const, columns: [{ name: 'body', type: 'text' }], record: { body }, errors: null, position: '1' },
})

const LIMITS = { maxChannelsPerSocket: 5, maxJoinsPerSecond: 20, maxMessagesPerSecond: 60, maxMessageBytes: 64 * 1024, maxBufferedBytes: 256 * 1024, heartbeatTimeoutMs: 1500 }

let t: TestDatabase
let floe: TestApp
let realtime: Realtime
let served: ReturnType<typeof serveOverHttp>
let origin: string
let hub: ReturnType<typeof fakeHub>
let feed: ReturnType<typeof fakeFeed>
const clients: RawClient[] = []
const revoked = new Set<string>()

async function open(options: Parameters<typeof RawClient.open>[1] = {}): Promise<RawClient> {
  const c = await RawClient.open(origin, { apikey: TEST_ANON_KEY, ...options })
  clients.push(c)
  return c
}

async function joined(c: RawClient, topic: string, payload: Record<string, unknown> = { config: {} }) {
  const ref = c.join(topic, payload)
  const reply = await c.reply(ref)
  return { ref, reply }
}

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t)
  hub = fakeHub()
  feed = fakeFeed()
  realtime = createRealtime({
    database: floe.database,
    withRequestRole: floe.withRequestRole,
    // The real resolver, plus tokens a test revokes (as a revoked key or a rotated secret would fail).
    resolveIdentity: async (credentials) => {
      const bearer = credentials.authorization?.replace(/^Bearer /, '')
      if (bearer && revoked.has(bearer)) throw new ApiError('JWT_INVALID', { details: 'The token was revoked' })
      return floe.deps.resolveIdentity(credentials)
    },
    redisPrefix: 'test:',
    log: floe.deps.log,
    settings: { retentionS: 60, limits: LIMITS },
    feed,
    hub,
    sweepMs: 100,
    recheckMs: 300,
  })
  const { app, nodeFront, nodeUpgrade } = createServerApp({ ...floe.deps, realtime })
  served = serveOverHttp(app.fetch, nodeFront, nodeUpgrade)
  origin = await served.origin()
})

afterAll(async () => {
  for (const c of clients) c.close()
  await realtime?.close()
  await served?.close()
  await floe?.close()
  await t?.drop()
})

describe.each(['1.0.0', '2.0.0'] as const)('serializer %s', (vsn) => {
  it('answers heartbeats, joins with the postgres_changes echo and a system message, and leaves', async () => {
    const c = await open({ vsn })
    const hb = c.send('phoenix', 'heartbeat', {})
    expect((await c.reply(hb)).payload).toEqual({ status: 'ok', response: {} })

    const specs = [
      { event: 'INSERT', schema: 'public', table: 'notes', filter: 'id=eq.1' },
      { event: '*', schema: 'public' },
    ]
    const { ref, reply } = await joined(c, `room-${vsn}`, { config: { broadcast: { self: false, ack: false }, presence: { key: '', enabled: false }, postgres_changes: specs, private: false }, access_token: TEST_ANON_KEY })
    expect(reply).toMatchObject({ joinRef: ref, topic: `realtime:room-${vsn}` })
    const echoed = reply.payload.response.postgres_changes
    expect(reply.payload.status).toBe('ok')
    expect(echoed).toEqual([
      { ...specs[0], id: expect.any(Number) },
      { ...specs[1], id: expect.any(Number) },
    ])
    expect(echoed[1]).not.toHaveProperty('table')
    const system = await c.next((f) => f.event === 'system')
    expect(system.payload).toEqual({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: `room-${vsn}` })
    expect(c.frames.indexOf(system)).toBeGreaterThan(c.frames.indexOf(reply))

    // A change from the feed reaches the client with the feed's payload.
    const sub = feed.subs.at(-1)!
    expect(sub.subscriber.identity()).toMatchObject({ role: 'anon' })
    sub.subscriber.deliver(change([echoed[0].id], 'hello'))
    const got = await c.next((f) => f.event === 'postgres_changes')
    expect(got).toMatchObject({ topic: `realtime:room-${vsn}`, payload: { ids: [echoed[0].id], data: { type: 'INSERT', record: { body: 'hello' } } } })

    const leave = c.send(`realtime:room-${vsn}`, 'phx_leave', {}, { joinRef: ref })
    expect((await c.reply(leave)).payload).toEqual({ status: 'ok', response: {} })
    await c.next((f) => f.event === 'phx_close' && f.joinRef === ref)
    expect(sub.active).toBe(false)
    // The channel is gone: a push to it is an unmatched topic.
    const late = c.send(`realtime:room-${vsn}`, 'broadcast', { type: 'broadcast', event: 'x', payload: {} })
    expect((await c.reply(late)).payload).toEqual({ status: 'error', response: { reason: 'unmatched topic' } })
  })

  it('broadcasts to the topic (self and ack as configured) and tracks presence', async () => {
    const a = await open({ vsn })
    const b = await open({ vsn })
    await joined(a, `chat-${vsn}`, { config: { broadcast: { self: true, ack: true }, presence: { key: 'alice', enabled: true } } })
    await joined(b, `chat-${vsn}`, { config: { broadcast: { self: false, ack: false }, presence: { key: 'bob', enabled: true } } })
    await a.next((f) => f.event === 'presence_state')
    const ref = a.send(`realtime:chat-${vsn}`, 'broadcast', { type: 'broadcast', event: 'msg', payload: { text: 'hi' } })
    expect((await a.reply(ref)).payload).toEqual({ status: 'ok', response: {} })
    for (const c of [a, b]) {
      const got = await c.next((f) => f.event === 'broadcast')
      expect(got.payload).toEqual({ type: 'broadcast', event: 'msg', payload: { text: 'hi' } })
    }
    // A refusal from the hub is the ack's error reply.
    const refused = a.send(`realtime:chat-${vsn}`, 'broadcast', { type: 'broadcast', event: 'refused', payload: {} })
    expect((await a.reply(refused)).payload.response.reason).toMatch(/^Unauthorized/)

    const track = b.send(`realtime:chat-${vsn}`, 'presence', { type: 'presence', event: 'track', payload: { online_at: 1 } })
    expect((await b.reply(track)).payload.status).toBe('ok')
    const diff = await a.next((f) => f.event === 'presence_diff')
    expect(diff.payload.joins.bob.metas[0]).toMatchObject({ online_at: 1 })
    const bad = b.send(`realtime:chat-${vsn}`, 'presence', { type: 'presence', event: 'track', payload: [1] })
    expect((await b.reply(bad)).payload).toEqual({ status: 'error', response: { reason: 'Presence track payload must be a map' } })
  })
})

describe('serializer 2.0.0 binary frames', () => {
  it('takes realtime-js user broadcast pushes (JSON and bytes) and sends bytes back as kind 4', async () => {
    const a = await open()
    const { ref: joinRef } = await joined(a, 'bin', { config: { broadcast: { self: true, ack: true } } })
    const r1 = a.nextRef()
    a.ws.send(userBroadcastPush({ joinRef, ref: r1, topic: 'realtime:bin', event: 'json-event', payload: { n: 1 } }))
    expect((await a.reply(r1)).payload.status).toBe('ok')
    expect((await a.next((f) => f.event === 'broadcast' && f.payload.event === 'json-event')).payload.payload).toEqual({ n: 1 })

    const r2 = a.nextRef()
    a.ws.send(userBroadcastPush({ joinRef, ref: r2, topic: 'realtime:bin', event: 'bytes', payload: new Uint8Array([1, 2, 3]), binary: true }))
    expect((await a.reply(r2)).payload.status).toBe('ok')
    const got = await a.next((f) => f.binary === true)
    expect(got.payload.event).toBe('bytes')
    expect([...got.payload.payload]).toEqual([1, 2, 3])
  })
})

describe('upgrade', () => {
  it('refuses an unknown serializer version, a missing key and a wrong key, in the JSON error shape', async () => {
    const vsn = await RawClient.open(origin, { query: `apikey=${TEST_ANON_KEY}&vsn=3.0.0` }).catch((e: { status: number; body: string }) => e)
    expect(vsn).toMatchObject({ status: 400 })
    expect(JSON.parse((vsn as { body: string }).body)).toMatchObject({ code: 'INVALID_INPUT', details: expect.stringContaining('3.0.0') })
    await expect(RawClient.open(origin, { query: 'vsn=2.0.0' })).rejects.toMatchObject({ status: 401 })
    await expect(RawClient.open(origin, { query: 'apikey=nope&vsn=2.0.0' })).rejects.toMatchObject({ status: 401 })
  })

  it('takes the key from the apikey header too', async () => {
    const c = await open({ query: 'vsn=2.0.0', headers: { apikey: TEST_SERVICE_KEY } })
    await joined(c, 'svc', { config: { postgres_changes: [{ event: '*', schema: 'public' }] } })
    expect(feed.subs.at(-1)!.subscriber.identity()).toMatchObject({ role: 'service_role' })
  })
})

describe('identity', () => {
  const sub = '11111111-1111-4111-8111-111111111111'

  it("runs a join as its access token's user, and as the apikey's role without one", async () => {
    const c = await open()
    const token = await signJwt({ sub, role: 'authenticated' }, floe.jwtKeys, '1h')
    await joined(c, 'who', { config: { postgres_changes: [{ event: '*', schema: 'public' }] }, access_token: token })
    expect(feed.subs.at(-1)!.subscriber.identity()).toMatchObject({ role: 'authenticated', claims: { sub } })
    await joined(c, 'who-anon', { config: { postgres_changes: [{ event: '*', schema: 'public' }] } })
    expect(feed.subs.at(-1)!.subscriber.identity()).toMatchObject({ role: 'anon' })
  })

  it('refuses a join with a forged or expired token, naming why', async () => {
    const c = await open()
    const forged = (await signJwt({ sub, role: 'authenticated' }, floe.jwtKeys, '1h')).slice(0, -3) + 'AAA'
    expect((await joined(c, 'forged', { config: {}, access_token: forged })).reply.payload).toEqual({
      status: 'error',
      response: { reason: expect.stringMatching(/^InvalidJWTToken: Invalid JWT: The token signature does not match/) },
    })
    const expired = await signJwt({ sub, role: 'authenticated' }, floe.jwtKeys, Math.floor(Date.now() / 1000) - 30)
    expect((await joined(c, 'expired', { config: {}, access_token: expired })).reply.payload.response.reason).toMatch(/^InvalidJWTToken: Token has expired \d+ seconds ago$/)
    // A refusal from the hub or the feed is shown as they word it.
    expect((await joined(c, 'forbidden')).reply.payload.response.reason).toMatch(/^Unauthorized: You do not have permissions/)
    expect((await joined(c, 'nope', { config: { postgres_changes: [{ event: '*', schema: 'public', table: 'missing' }] } })).reply.payload.response.reason).toMatch(/missing/)
    expect(hub.members.size).toBeGreaterThanOrEqual(0)
  })

  it('ends the channel when its token expires: a system error naming why, then phx_close', async () => {
    const c = await open()
    const exp = Math.floor(Date.now() / 1000) + 2
    const token = await signJwt({ sub, role: 'authenticated' }, floe.jwtKeys, exp)
    const { ref } = await joined(c, 'expiring', { config: { postgres_changes: [{ event: '*', schema: 'public' }] }, access_token: token })
    const feedSub = feed.subs.at(-1)!
    const system = await c.next((f) => f.event === 'system' && f.payload.extension === 'system', 5000)
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000)
    expect(system.payload).toEqual({ extension: 'system', status: 'error', message: expect.stringMatching(/^Token has expired \d+ seconds ago$/), channel: 'expiring' })
    await c.next((f) => f.event === 'phx_close' && f.joinRef === ref)
    expect(feedSub.active).toBe(false)
  })

  it('ends a channel whose token is revoked, at its next re-check', async () => {
    const c = await open()
    const token = await signJwt({ sub, role: 'authenticated', jti: 'revoke-me' }, floe.jwtKeys, '1h')
    const { ref } = await joined(c, 'revocable', { config: {}, access_token: token })
    revoked.add(token)
    const system = await c.next((f) => f.event === 'system' && f.payload.extension === 'system', 3000)
    expect(system.payload).toMatchObject({ status: 'error', message: 'InvalidJWTToken: Invalid JWT: The token was revoked', channel: 'revocable' })
    await c.next((f) => f.event === 'phx_close' && f.joinRef === ref)
  })

  it('swaps the identity on access_token; a forged one ends the channel', async () => {
    const c = await open()
    const { ref } = await joined(c, 'swap', { config: { postgres_changes: [{ event: '*', schema: 'public' }] } })
    const feedSub = feed.subs.at(-1)!
    expect(feedSub.subscriber.identity()).toMatchObject({ role: 'anon' })
    const token = await signJwt({ sub, role: 'authenticated' }, floe.jwtKeys, '1h')
    c.send('realtime:swap', 'access_token', { access_token: token }, { joinRef: ref })
    await until('the swap', () => (feedSub.subscriber.identity() as Identity).role === 'authenticated')
    expect(feedSub.subscriber.identity()).toMatchObject({ claims: { sub } })
    // A key (as supabase-js sends without a session) changes nothing.
    c.send('realtime:swap', 'access_token', { access_token: 'sb_publishable_x' }, { joinRef: ref })
    c.send('realtime:swap', 'access_token', { access_token: token.slice(0, -3) + 'AAA' }, { joinRef: ref })
    const system = await c.next((f) => f.event === 'system' && f.payload.extension === 'system')
    expect(system.payload.message).toMatch(/^InvalidJWTToken: Invalid JWT: The token signature does not match/)
    await c.next((f) => f.event === 'phx_close' && f.joinRef === ref)
    expect(feedSub.active).toBe(false)
  })
})

describe('rejoin with a position', () => {
  it('passes config.floe.since to the feed, replies before replayed changes, and says so when changes may be missed', async () => {
    const c = await open()
    const { reply } = await joined(c, 'resume', { config: { postgres_changes: [{ event: '*', schema: 'public' }], floe: { since: '0' } } })
    expect(feed.subs.at(-1)!.since).toBe('0')
    const replayed = await c.next((f) => f.event === 'postgres_changes')
    expect(c.frames.indexOf(replayed)).toBeGreaterThan(c.frames.indexOf(reply))
    const gap = await c.next((f) => f.event === 'system' && f.payload.status === 'error')
    expect(gap.payload).toMatchObject({ extension: 'postgres_changes', message: expect.stringMatching(/^ChangesMissed/) })
  })

  it('takes the position beside config too (realtime-js rebuilds config; updateJoinPayload keeps a top-level floe)', async () => {
    const c = await open()
    await joined(c, 'resume-top', { config: { postgres_changes: [{ event: '*', schema: 'public' }] }, floe: { since: '42' } })
    expect(feed.subs.at(-1)!.since).toBe('42')
  })
})

describe('malformed input', () => {
  it('answers each bad frame with an error reply and keeps serving the socket', async () => {
    const c = await open()
    const before = c.frames.length
    c.ws.send('{not json')
    c.ws.send(JSON.stringify({ topic: 'x' }))
    c.ws.send(JSON.stringify([null, '1', 'realtime:x', 'phx_join', 'not an object']))
    c.ws.send(Buffer.from([9, 9, 9]))
    c.ws.send(Buffer.from([3, 200, 0, 0, 0, 0, 1]))
    await until('five error replies', () => c.frames.slice(before).filter((f) => f.payload?.status === 'error').length >= 5)
    for (const f of c.frames.slice(before)) expect(f.payload.response.reason).toMatch(/^MalformedWebSocketMessage: /)

    const unknownTopic = c.send('elsewhere:1', 'phx_join', {})
    expect((await c.reply(unknownTopic)).payload.response).toEqual({ reason: 'unmatched topic' })
    const noTopic = c.send('realtime:', 'phx_join', {})
    expect((await c.reply(noTopic)).payload.response.reason).toMatch(/^TopicNameRequired/)
    const badConfig = c.send('realtime:cfg', 'phx_join', { config: { postgres_changes: 'all' } })
    expect((await c.reply(badConfig)).payload.response.reason).toMatch(/^InvalidJoinPayload/)
    const badSpec = c.send('realtime:cfg', 'phx_join', { config: { postgres_changes: [{ schema: 'public' }] } })
    expect((await c.reply(badSpec)).payload.response.reason).toMatch(/^InvalidJoinPayload: config\.postgres_changes\.0\.event/)
    await joined(c, 'ok')
    const unknownEvent = c.send('realtime:ok', 'launch', {})
    expect((await c.reply(unknownEvent)).payload.response.reason).toMatch(/^UnknownEvent/)
    const badBroadcast = c.send('realtime:ok', 'broadcast', { type: 'broadcast' })
    expect((await c.reply(badBroadcast)).payload.response.reason).toMatch(/^InvalidBroadcast/)
    const badPresence = c.send('realtime:ok', 'presence', { type: 'presence', event: 'dance' })
    expect((await c.reply(badPresence)).payload.response.reason).toMatch(/^InvalidPresence/)
    const hb = c.send('phoenix', 'heartbeat', {})
    expect((await c.reply(hb)).payload.status).toBe('ok')
  })

  it('refuses a binary frame on a 1.0.0 socket', async () => {
    const c = await open({ vsn: '1.0.0' })
    c.ws.send(Buffer.from([3, 0, 0, 0, 0, 0, 1]))
    expect((await c.next((f) => f.event === 'phx_reply')).payload.response.reason).toMatch(/vsn=2\.0\.0/)
  })

  it('closes the socket on a frame larger than the limit (1009)', async () => {
    const c = await open()
    c.ws.send(JSON.stringify([null, '1', 'realtime:big', 'broadcast', { payload: 'x'.repeat(LIMITS.maxMessageBytes) }]))
    expect((await c.closed).code).toBe(1009)
  })
})

describe('limits', () => {
  it('refuses a join past the channels per socket', async () => {
    const c = await open()
    for (let i = 0; i < LIMITS.maxChannelsPerSocket; i++) expect((await joined(c, `many-${i}`)).reply.payload.status).toBe('ok')
    expect((await joined(c, 'one-too-many')).reply.payload.response).toEqual({ reason: 'ChannelRateLimitReached: Too many channels' })
    // Rejoining a topic it has replaces the old channel instead.
    const again = await joined(c, 'many-0')
    expect(again.reply.payload.status).toBe('ok')
  })

  it('closes a socket that sends too many joins or messages per second, with a reason', async () => {
    const joins = await open()
    for (let i = 0; i < LIMITS.maxJoinsPerSecond + 1; i++) joins.send(`realtime:j${i}`, 'phx_join', {})
    expect(await joins.closed).toEqual({ code: 1008, reason: 'Too many joins per second' })
    expect(joins.frames.some((f) => f.payload?.response?.reason === 'ClientJoinRateLimitReached: Too many joins per second')).toBe(true)

    const chatty = await open()
    for (let i = 0; i < LIMITS.maxMessagesPerSecond + 1; i++) chatty.send('phoenix', 'heartbeat', {})
    expect(await chatty.closed).toEqual({ code: 1008, reason: 'Too many messages per second' })
  })

  it('survives 10,000 joins from one socket: refused and closed, the server still answers', async () => {
    const c = await open()
    for (let i = 0; i < 10_000; i++) c.send(`realtime:storm-${i}`, 'phx_join', { config: {} })
    expect((await c.closed).code).toBe(1008)
    const ready = await served.fetch('http://floe.test/ready')
    expect(ready.status).toBe(200)
    await until('the storm channels released', () => realtime.stats().channels <= 20)
  })

  it('disconnects a slow consumer whose send buffer is full, with a reason', async () => {
    const c = await open()
    await joined(c, 'firehose', { config: { postgres_changes: [{ event: '*', schema: 'public' }] } })
    const feedSub = feed.subs.at(-1)!
    await sleep(100)
    // The client stops reading; the server keeps writing.
    ;(c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause()
    const big = 'y'.repeat(16 * 1024)
    for (let i = 0; i < 4000 && feedSub.active; i++) feedSub.subscriber.deliver(change([1], big))
    expect(feedSub.active).toBe(false)
    ;(c.ws as unknown as { _socket: { resume(): void } })._socket.resume()
    expect(await c.closed).toEqual({ code: 1008, reason: 'Slow consumer: the send buffer is full' })
  })
})

describe('heartbeats', () => {
  it('closes a socket silent past the heartbeat timeout (no heartbeat, no pong), and keeps one that answers pings', async () => {
    const silent = await open({ autoPong: false })
    const ponging = await open()
    const { code, reason } = await silent.closed
    expect(code).toBe(1000)
    expect(reason).toBe('Heartbeat timeout')
    await sleep(500)
    expect(ponging.ws.readyState).toBe(ponging.ws.OPEN)
  })
})

describe('idle sockets', () => {
  it('hold no timer each (one shared sweep) and little memory', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const before = { timers: timers(), heap: process.memoryUsage().heapUsed }
    const idle: RawClient[] = []
    for (let i = 0; i < 300; i++) idle.push(await RawClient.open(origin, { apikey: TEST_ANON_KEY }))
    await Promise.all(idle.map(async (c, i) => expect((await c.reply(c.join(`idle-${i}`))).payload.status).toBe('ok')))
    gc?.()
    const after = { timers: timers(), heap: process.memoryUsage().heapUsed }
    for (const c of idle) c.close()
    expect(after.timers - before.timers).toBeLessThan(10)
    // Both ends of each socket live in this process; still well under 100 KB a pair.
    expect((after.heap - before.heap) / idle.length).toBeLessThan(100 * 1024)
  })
})

describe('stats', () => {
  it('counts sockets and channels', () => {
    const s = realtime.stats()
    expect(s.sockets).toBeGreaterThan(0)
    expect(s.hub).toMatchObject({ bus: 'postgres' })
    expect(s.feed).toMatchObject({ lag: 0 })
  })
})
