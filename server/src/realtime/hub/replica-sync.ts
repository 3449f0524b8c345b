/**
 * Keeps this replica's copy of the other replicas' presences right, over a bus that may lose
 * messages (a reconnect) and replicas that may die without a word:
 *
 * - each replica numbers its presence changes (`v`); a diff that is not the next one expected from
 *   its replica, or a heartbeat announcing another number than the last one applied, means
 *   something was missed: this replica asks that one for its whole state (`q` to it), which then
 *   replaces everything it had from it. One replica's messages arrive in the order it sent them,
 *   so a state or heartbeat numbered `v` covers every change up to `v`;
 * - a replica not heard from for `timeoutMs` (heartbeats every `heartbeatMs`) is dead: its
 *   presences leave; a replica closing says so (`x`) and its presences leave at once;
 * - a replica that starts, or whose bus reconnects, asks every replica for its state.
 */
import type { Logger } from '../../log.js'
import { type PresenceDiff, type PresenceEntry, type PresenceRegistry } from './presence.js'
import { encodeBye, encodeHeartbeat, encodeRequest, encodeState, type BusMessage } from './wire.js'

export interface ReplicaSyncDeps {
  replica: string
  registry: PresenceRegistry
  publish: (text: string) => void
  /** Hands a change to this replica's members. */
  deliverDiff: (room: string, diff: PresenceDiff) => void
  log: Logger
  heartbeatMs: number
  timeoutMs: number
}

interface Peer {
  lastSeen: number
  /** The number of the last of its presence changes applied here. */
  version: number
}

export class ReplicaSync {
  /** This replica's presence changes so far. */
  private version = 0
  private readonly peers = new Map<string, Peer>()
  private timer: NodeJS.Timeout | undefined
  private stateTimer: NodeJS.Timeout | undefined

  constructor(private readonly deps: ReplicaSyncDeps) {}

  start(): void {
    this.deps.publish(encodeHeartbeat(this.deps.replica, this.version))
    this.requestState()
    this.timer = setInterval(() => this.tick(), this.deps.heartbeatMs)
    this.timer.unref()
  }

  /** The number to give this replica's next presence change. */
  nextVersion(): number {
    return ++this.version
  }

  /** Asks every replica (or one) for its state. */
  requestState(to?: string): void {
    this.deps.publish(encodeRequest(this.deps.replica, to))
  }

  peerCount(): number {
    return this.peers.size
  }

  handle(msg: BusMessage): void {
    if (msg.r === this.deps.replica) return
    const peer = this.peers.get(msg.r)
    const now = Date.now()
    switch (msg.t) {
      case 'd': {
        const expected = (peer?.version ?? msg.v - 1) + 1
        this.seen(msg.r, now, msg.v)
        this.deliver(msg.room, this.deps.registry.apply(msg.room, msg.r, { joins: msg.joins, leaves: msg.leaves }))
        if (msg.v !== expected || (!peer && msg.v !== 1)) this.requestState(msg.r)
        return
      }
      case 's': {
        this.seen(msg.r, now, msg.v)
        const entries: PresenceEntry[] = msg.entries.map(([room, key, meta]) => ({ room, key, meta, replica: msg.r }))
        for (const [room, diff] of this.deps.registry.replaceReplica(msg.r, entries)) this.deliver(room, diff)
        return
      }
      case 'h':
        if (!peer || peer.version !== msg.v) this.requestState(msg.r)
        if (peer) peer.lastSeen = now
        else this.peers.set(msg.r, { lastSeen: now, version: -1 })
        return
      case 'q':
        if (peer) peer.lastSeen = now
        if (msg.to === undefined || msg.to === this.deps.replica) this.scheduleState()
        return
      case 'x':
        this.forget(msg.r)
        return
      case 'b':
        if (peer) peer.lastSeen = now
        return
    }
  }

  /** Publishes this replica's state soon, once for requests arriving together. */
  private scheduleState(): void {
    if (this.stateTimer) return
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined
      const entries = this.deps.registry.entriesOf(this.deps.replica).map((e) => [e.room, e.key, e.meta] as [string, string, typeof e.meta])
      this.deps.publish(encodeState(this.deps.replica, this.version, entries))
    }, 10)
    this.stateTimer.unref()
  }

  private seen(replica: string, now: number, version: number): void {
    this.peers.set(replica, { lastSeen: now, version })
  }

  private tick(): void {
    this.deps.publish(encodeHeartbeat(this.deps.replica, this.version))
    const deadline = Date.now() - this.deps.timeoutMs
    for (const [replica, peer] of this.peers) {
      if (peer.lastSeen >= deadline) continue
      this.deps.log.info({ replica }, 'realtime: a replica stopped answering; its presences leave')
      this.forget(replica)
    }
  }

  private forget(replica: string): void {
    this.peers.delete(replica)
    for (const [room, diff] of this.deps.registry.dropReplica(replica)) this.deliver(room, diff)
  }

  private deliver(room: string, diff: PresenceDiff): void {
    if (Object.keys(diff.joins).length > 0 || Object.keys(diff.leaves).length > 0) this.deps.deliverDiff(room, diff)
  }

  /** Stops the heartbeats; the goodbye to publish so the others drop this replica's presences now. */
  close(): string {
    if (this.timer) clearInterval(this.timer)
    if (this.stateTimer) clearTimeout(this.stateTimer)
    return encodeBye(this.deps.replica)
  }
}
