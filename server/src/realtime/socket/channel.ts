/**
 * One joined channel on one socket: what the hub knows as a ChannelMember and the feed as a
 * ChangeSubscriber. It carries the channel's identity (swapped by `access_token`), when that
 * identity's token expires, and its outbound frames: until the join's reply has gone out they
 * are held (a presence state or replayed changes may be produced while joining), so the client
 * sees the reply first, as from Supabase. Inbound work for the channel runs one at a time
 * (`enqueue`), as a Phoenix channel process would.
 */
import type { Identity } from '../../http/index.js'
import type { Logger } from '../../log.js'
import type { PhoenixMessage, Serializer } from '../protocol/serializer.js'
import type { BroadcastMessage, ChangeSubscriber, ChangeSubscription, ChannelMember, PostgresChangesPayload } from '../types.js'

/** Where a channel's frames go: its socket. */
export interface ChannelOutbox {
  readonly serializer: Serializer
  /** Sends a frame now (dropped when the socket is closing). */
  send(frame: string | Buffer): void
  /** Frames held while joining went past the socket's send buffer: the socket is ended. */
  overflow(): void
  readonly maxBufferedBytes: number
}

export interface ChannelInit {
  id: string
  topic: string
  joinRef: string | null
  private: boolean
  identity: Identity
  outbox: ChannelOutbox
  log: Logger
}

export class Channel implements ChannelMember, ChangeSubscriber {
  readonly id: string
  /** Without the `realtime:` prefix. */
  readonly topic: string
  /** As on the wire: `realtime:<topic>`. */
  readonly wireTopic: string
  readonly joinRef: string | null
  readonly private: boolean
  state: 'joining' | 'joined' | 'closed' = 'joining'
  ack = false
  subscription: ChangeSubscription | undefined
  /** Stops the job feed of a channel joined with `floe.job`. */
  stopJob: (() => void) | undefined
  inHub = false
  /** The token the identity came from (undefined: the socket's own credentials). */
  accessToken: string | undefined
  /** When the identity's token expires (ms since the epoch; Infinity without one). */
  expiresAt = Number.POSITIVE_INFINITY
  /** When the identity is next re-resolved (a revoked key or rotated secret ends the channel). */
  recheckAt = Number.POSITIVE_INFINITY

  private current: Identity
  private held: (string | Buffer)[] | undefined = []
  private heldBytes = 0
  private queue: Promise<void> = Promise.resolve()
  private readonly outbox: ChannelOutbox
  private readonly log: Logger

  constructor(init: ChannelInit) {
    this.id = init.id
    this.topic = init.topic
    this.wireTopic = `realtime:${init.topic}`
    this.joinRef = init.joinRef
    this.private = init.private
    this.current = init.identity
    this.outbox = init.outbox
    this.log = init.log
  }

  /** A method, not a field test: the state changes across the awaits of a join. */
  isClosed(): boolean {
    return this.state === 'closed'
  }

  identity(): Identity {
    return this.current
  }

  setIdentity(identity: Identity, accessToken: string | undefined): void {
    this.current = identity
    this.accessToken = accessToken
    const exp = identity.claims.exp
    this.expiresAt = identity.via === 'jwt' && typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY
  }

  /** Runs `work` after the channel's earlier work; a failure is logged, never thrown. */
  enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((err: unknown) => this.log.error({ err, topic: this.topic }, 'realtime channel work failed'))
  }

  sendBroadcast(message: BroadcastMessage): void {
    const frame = this.outbox.serializer.encodeBroadcast(this.wireTopic, message)
    if (frame !== undefined) this.emit(frame)
  }

  sendPresence(event: 'presence_state' | 'presence_diff', payload: unknown): void {
    this.push(event, payload)
  }

  deliver(payload: PostgresChangesPayload): void {
    this.emit(this.encode({ joinRef: null, ref: null, topic: this.wireTopic, event: 'postgres_changes', payload }))
  }

  /** A message from the server on this channel. */
  push(event: string, payload: unknown): void {
    this.emit(this.encode({ joinRef: this.joinRef, ref: null, topic: this.wireTopic, event, payload }))
  }

  /** A `system` message, as Supabase sends them. */
  system(extension: 'system' | 'postgres_changes', status: 'ok' | 'error', message: string): void {
    this.push('system', { extension, status, message, channel: this.topic })
  }

  /** The join's reply is out: sends `first`, then what was held. */
  open(first: (() => void)[] = []): void {
    const held = this.held ?? []
    this.held = undefined
    this.state = 'joined'
    for (const f of first) f()
    for (const frame of held) this.outbox.send(frame)
  }

  encode(message: PhoenixMessage): string {
    return this.outbox.serializer.encode(message)
  }

  private emit(frame: string | Buffer): void {
    if (this.state === 'closed') return
    if (!this.held) return this.outbox.send(frame)
    this.held.push(frame)
    this.heldBytes += frame.length
    if (this.heldBytes > this.outbox.maxBufferedBytes) {
      this.held = []
      this.heldBytes = 0
      this.outbox.overflow()
    }
  }
}
