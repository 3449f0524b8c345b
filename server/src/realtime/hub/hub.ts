/**
 * The hub: the members of each room on this replica, broadcast and presence among them and,
 * through the bus, with every other replica's members. A room is a topic and whether it is
 * private (`p:room:1`, `o:room:1`): as in Supabase, a private and a public channel of the same
 * name are two rooms. Each replica delivers only to its own members, so a message reaches each
 * member once, whichever replica it entered by.
 *
 * Rights on a private room come from authorize.ts at join (Supabase checks them at join too);
 * broadcasts go to members that may read broadcasts, presence diffs to those that may read
 * presence; sending needs the write right. A public room grants everything.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { Database, RequestRole, WithRequestRole } from '../../db/index.js'
import type { Logger } from '../../log.js'
import { RealtimeError, type BroadcastMessage, type ChannelMember, type ChannelRights, type Hub, type JoinOptions } from '../types.js'
import { ALL_RIGHTS, authorizeTopic, type TopicRights } from './authorize.js'
import type { Bus } from './bus.js'
import { encodePayload, payloadJson, RateWindow } from './limits.js'
import { emptyDiff, PresenceRegistry, type PresenceDiff, type PresenceMeta } from './presence.js'
import { ReplicaSync } from './replica-sync.js'
import { decodeBusMessage, encodeBroadcast, encodeDiff } from './wire.js'

export interface HubSettings {
  maxPayloadBytes: number
  maxMessagesPerSecond: number
  heartbeatMs: number
  replicaTimeoutMs: number
  /** How long a starting replica waits for the others' presence states before the first join. */
  syncWaitMs: number
}

interface MemberState {
  member: ChannelMember
  room: string
  self: boolean
  presenceKey: string
  rights: TopicRights
  tracked: { meta: PresenceMeta; json: string } | undefined
  limiter: RateWindow
}

export function roomOf(topic: string, isPrivate: boolean): string {
  return `${isPrivate ? 'p' : 'o'}:${topic}`
}

/** Phoenix-like presence refs: short, random, unique per track. */
function newRef(): string {
  return randomBytes(9).toString('base64url')
}

export class RealtimeHub implements Hub {
  readonly replica = randomUUID()
  private readonly rooms = new Map<string, Set<MemberState>>()
  private readonly members = new Map<string, MemberState>()
  private readonly registry = new PresenceRegistry()
  private readonly sync: ReplicaSync
  private readonly ready: Promise<void>
  private closed = false
  private busFailures = 0
  private readonly stops: (() => Promise<void>)[] = []

  constructor(
    private readonly deps: { database: Database; withRequestRole: WithRequestRole; bus: Bus; log: Logger; settings: HubSettings },
    /** Work to start with the hub (the SQL messages listener, sweeps); each returns its stop. */
    private readonly extras: ((hub: RealtimeHub) => Promise<() => Promise<void>>)[] = [],
  ) {
    this.sync = new ReplicaSync({
      replica: this.replica,
      registry: this.registry,
      publish: (text) => void this.publish(text),
      deliverDiff: (room, diff) => this.deliverDiff(room, diff),
      log: deps.log,
      heartbeatMs: deps.settings.heartbeatMs,
      timeoutMs: deps.settings.replicaTimeoutMs,
    })
    this.ready = this.start()
    this.ready.catch(() => undefined)
  }

  private async start(): Promise<void> {
    await this.deps.bus.start(
      (text) => this.onBusMessage(text),
      () => this.sync.requestState(),
    )
    for (const extra of this.extras) this.stops.push(await extra(this))
    this.sync.start()
    await new Promise((r) => setTimeout(r, this.deps.settings.syncWaitMs))
  }

  async join(member: ChannelMember, options: JoinOptions): Promise<ChannelRights> {
    await this.ready
    if (this.closed) throw new RealtimeError('Realtime is shutting down')
    if (this.members.has(member.id)) throw new RealtimeError('This channel is already joined')
    const rights = member.private ? await this.authorize(member.identity(), member.topic) : { ...ALL_RIGHTS }
    if (!rights.broadcastRead && !rights.presenceRead) throw new RealtimeError(`You do not have permissions to read from this Channel topic: ${member.topic}`)
    // A member may have left (its socket closed) while the rules were being read.
    if (this.closed) throw new RealtimeError('Realtime is shutting down')
    const state: MemberState = {
      member,
      room: roomOf(member.topic, member.private),
      self: options.broadcast.self,
      // As Supabase: a join without a presence key gets one of its own.
      presenceKey: options.presence.key || randomUUID(),
      rights,
      tracked: undefined,
      limiter: new RateWindow(this.deps.settings.maxMessagesPerSecond),
    }
    this.members.set(member.id, state)
    let room = this.rooms.get(state.room)
    if (!room) this.rooms.set(state.room, (room = new Set()))
    room.add(state)
    // After the join reply, as Supabase sends it: the socket side replies once this resolves.
    if (options.presence.enabled && rights.presenceRead) {
      setImmediate(() => {
        if (this.members.get(member.id) === state) this.send(state, () => member.sendPresence('presence_state', this.registry.state(state.room)))
      })
    }
    return { read: true, write: rights.broadcastWrite }
  }

  async broadcast(member: ChannelMember, message: BroadcastMessage): Promise<void> {
    const state = this.memberState(member)
    if (!state.rights.broadcastWrite) throw new RealtimeError(`You do not have permissions to write to this Channel topic: ${member.topic}`)
    this.count(state)
    const encoded = this.checkSize(message)
    this.deliverBroadcast(state.room, message, state.self ? undefined : state)
    await this.publish(encodeBroadcast(this.replica, state.room, message.event, encoded.json, encoded.binary))
  }

  async broadcastFrom(topic: string, message: BroadcastMessage, options: { private: boolean }): Promise<void> {
    await this.ready
    const encoded = this.checkSize(message)
    const room = roomOf(topic, options.private)
    this.deliverBroadcast(room, message, undefined)
    await this.publish(encodeBroadcast(this.replica, room, message.event, encoded.json, encoded.binary))
  }

  /** Delivers a message sent from SQL: every replica hears the NOTIFY, so it is not published. */
  deliverFromSql(topic: string, message: BroadcastMessage, isPrivate: boolean): void {
    this.deliverBroadcast(roomOf(topic, isPrivate), message, undefined)
  }

  async track(member: ChannelMember, meta: Record<string, unknown>): Promise<void> {
    const state = this.memberState(member)
    if (!state.rights.presenceWrite) throw new RealtimeError(`You do not have permissions to track presence on this Channel topic: ${member.topic}`)
    const json = payloadJson(meta)
    // As Supabase: tracking the same meta again changes nothing (and costs nothing).
    if (state.tracked?.json === json) return
    this.count(state)
    if (Buffer.byteLength(json) > this.deps.settings.maxPayloadBytes) throw new RealtimeError('Track message size exceeded')
    const old = state.tracked
    const full: PresenceMeta = { ...meta, phx_ref: newRef(), ...(old ? { phx_ref_prev: old.meta.phx_ref } : {}) }
    const diff = emptyDiff()
    if (old) {
      this.registry.remove(state.room, old.meta.phx_ref)
      diff.leaves[state.presenceKey] = { metas: [old.meta] }
    }
    this.registry.add({ room: state.room, key: state.presenceKey, replica: this.replica, meta: full })
    diff.joins[state.presenceKey] = { metas: [full] }
    state.tracked = { meta: full, json }
    await this.presenceChanged(state.room, diff)
  }

  async untrack(member: ChannelMember): Promise<void> {
    const state = this.members.get(member.id)
    if (state) await this.untrackState(state)
  }

  async leave(member: ChannelMember): Promise<void> {
    const state = this.members.get(member.id)
    if (!state) return
    this.members.delete(member.id)
    const room = this.rooms.get(state.room)
    room?.delete(state)
    if (room?.size === 0) this.rooms.delete(state.room)
    await this.untrackState(state)
  }

  /** The largest payload a broadcast (or presence meta) may have, in bytes. */
  get maxPayloadBytes(): number {
    return this.deps.settings.maxPayloadBytes
  }

  stats(): { topics: number; members: number; bus: 'redis' | 'postgres' } {
    return { topics: this.rooms.size, members: this.members.size, bus: this.deps.bus.kind }
  }

  /** What `identity` may do on the private `topic` (the broadcast API asks it too). */
  async authorize(identity: RequestRole, topic: string): Promise<TopicRights> {
    try {
      return await authorizeTopic(this.deps.withRequestRole, identity, topic)
    } catch (err) {
      // A rule that fails (a bad expression, a missing function) denies, as in Supabase; the
      // error is for the admin's log, not for the client.
      this.deps.log.warn({ err, topic }, 'realtime: the rules on realtime.messages failed; access denied')
      throw new RealtimeError(`You do not have permissions to read from this Channel topic: ${topic}`)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.ready.catch(() => undefined)
    const bye = this.sync.close()
    await this.publish(bye)
    for (const stop of this.stops) await stop().catch((err: unknown) => this.deps.log.warn({ err }, 'realtime: hub part did not stop cleanly'))
    await this.deps.bus.close()
    this.rooms.clear()
    this.members.clear()
  }

  private async untrackState(state: MemberState): Promise<void> {
    const old = state.tracked
    if (!old) return
    state.tracked = undefined
    this.registry.remove(state.room, old.meta.phx_ref)
    await this.presenceChanged(state.room, { joins: {}, leaves: { [state.presenceKey]: { metas: [old.meta] } } })
  }

  private async presenceChanged(room: string, diff: PresenceDiff): Promise<void> {
    this.deliverDiff(room, diff)
    await this.publish(encodeDiff(this.replica, this.sync.nextVersion(), room, diff.joins, diff.leaves))
  }

  private memberState(member: ChannelMember): MemberState {
    const state = this.members.get(member.id)
    if (!state) throw new RealtimeError('This channel is not joined')
    return state
  }

  private count(state: MemberState): void {
    if (!state.limiter.take()) throw new RealtimeError(`Too many messages per second (at most ${this.deps.settings.maxMessagesPerSecond} per channel)`)
  }

  private checkSize(message: BroadcastMessage): ReturnType<typeof encodePayload> {
    const encoded = encodePayload(message)
    if (encoded.size > this.deps.settings.maxPayloadBytes) {
      throw new RealtimeError(`Payload size exceeded: ${encoded.size} bytes, at most ${this.deps.settings.maxPayloadBytes}`)
    }
    return encoded
  }

  private deliverBroadcast(room: string, message: BroadcastMessage, except: MemberState | undefined): void {
    for (const state of this.rooms.get(room) ?? []) {
      if (state === except || !state.rights.broadcastRead) continue
      this.send(state, () => state.member.sendBroadcast(message))
    }
  }

  private deliverDiff(room: string, diff: PresenceDiff): void {
    for (const state of this.rooms.get(room) ?? []) {
      if (!state.rights.presenceRead) continue
      this.send(state, () => state.member.sendPresence('presence_diff', diff))
    }
  }

  /** One member's failing socket must not stop delivery to the others. */
  private send(state: MemberState, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.deps.log.warn({ err, member: state.member.id }, 'realtime: delivery to a member failed')
    }
  }

  private onBusMessage(text: string): void {
    const msg = decodeBusMessage(text)
    if (!msg) return void this.deps.log.warn({ text: text.slice(0, 200) }, 'realtime: unreadable bus message')
    if (msg.r === this.replica) return
    if (msg.t === 'b') {
      const message: BroadcastMessage = msg.bin
        ? { event: msg.event, payload: Buffer.from(typeof msg.payload === 'string' ? msg.payload : '', 'base64'), binary: true }
        : { event: msg.event, payload: msg.payload }
      this.deliverBroadcast(msg.room, message, undefined)
    }
    this.sync.handle(msg)
  }

  /**
   * Without the bus, realtime still works within this replica: a failed publish is logged (once
   * per outage) rather than failing the member's broadcast; the heartbeats repair presence later.
   */
  private async publish(text: string): Promise<void> {
    try {
      await this.deps.bus.publish(text)
      if (this.busFailures > 0) this.deps.log.info({ bus: this.deps.bus.kind, failures: this.busFailures }, 'realtime: bus reachable again')
      this.busFailures = 0
    } catch (err) {
      if (this.busFailures++ === 0) this.deps.log.warn({ err: { message: (err as Error).message }, bus: this.deps.bus.kind }, 'realtime: bus unreachable; messages reach this replica only')
    }
  }
}
