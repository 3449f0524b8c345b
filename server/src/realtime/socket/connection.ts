/**
 * One WebSocket speaking the Phoenix protocol: decodes each frame (zod-checked), enforces the
 * per-socket limits (messages and joins per second, channels, the send buffer), answers
 * `heartbeat`, and runs each channel event: `phx_join` (identity from the join's access token,
 * then the hub and the change feed), `phx_leave`, `broadcast`, `presence`, `access_token`.
 * Nothing a client sends can throw out of here: a bad frame gets an error reply, a flood closes
 * the socket with a reason.
 */
import { randomUUID } from 'node:crypto'
import type WebSocket from 'ws'
import { ApiError } from '../../errors/index.js'
import type { Credentials, Identity, IdentityResolver } from '../../http/index.js'
import type { Logger } from '../../log.js'
import type { RealtimeMeter } from '../../metrics/index.js'
import { AccessTokenPush, BroadcastPush, firstIssue, JoinPayload, PostgresChangeSpec, PresencePush } from '../protocol/payloads.js'
import { expiredMessage, REASONS, reasonFor } from '../protocol/reasons.js'
import { MalformedFrame, type PhoenixMessage, type Serializer } from '../protocol/serializer.js'
import { RealtimeError, type ChangeFeed, type ChangeSpecInput, type Hub, type JobFeed, type JoinOptions } from '../types.js'
import { Channel, type ChannelOutbox } from './channel.js'

export interface RealtimeLimits {
  maxChannelsPerSocket: number
  maxJoinsPerSecond: number
  maxMessagesPerSecond: number
  /** Largest frame a client may send (ws maxPayload). */
  maxMessageBytes: number
  /** A socket whose unsent bytes pass this is a slow consumer and is disconnected. */
  maxBufferedBytes: number
  heartbeatTimeoutMs: number
}

/** What every connection shares. */
export interface ConnectionContext {
  feed: ChangeFeed | undefined
  hub: Hub | undefined
  /** Jobs' events for channels joined with `floe.job` (absent without jobs). */
  jobs?: JobFeed | undefined
  resolveIdentity: IdentityResolver
  limits: RealtimeLimits
  log: Logger
  /** How often a channel's identity is resolved again (a revoked key ends the channel). */
  recheckMs: number
  /** A private topic's read rights for an identity (the hub's rules check), asked again after a token swap. */
  authorize?: ((identity: Identity, topic: string) => Promise<{ broadcastRead: boolean; presenceRead: boolean }>) | undefined
  nextMemberId(): string
  /** Counts each frame written (metrics). */
  meter?: RealtimeMeter | undefined
}

const OPEN = 1
/** WebSocket close codes: policy violation (limits), and a normal close. */
export const CLOSE_POLICY = 1008
export const CLOSE_NORMAL = 1000
export const CLOSE_GOING_AWAY = 1001

export class Connection implements ChannelOutbox {
  readonly channels = new Map<string, Channel>()
  lastSeen = Date.now()
  pingedAt = 0
  /** Set once the socket is being closed (the sweep terminates it if the close hangs). */
  closingSince = 0
  readonly maxBufferedBytes: number
  private windowStart = 0
  private messages = 0
  private joins = 0

  constructor(
    readonly ws: WebSocket,
    readonly serializer: Serializer,
    /** The upgrade's apikey and Authorization header: the identity of a join without a token. */
    private readonly credentials: Credentials,
    /** Who the upgrade was admitted as (a channel's identity until its join's token is resolved). */
    private readonly socketIdentity: Identity,
    private readonly ctx: ConnectionContext,
  ) {
    this.maxBufferedBytes = ctx.limits.maxBufferedBytes
  }

  onFrame(data: Buffer, isBinary: boolean): void {
    this.lastSeen = Date.now()
    if (this.closingSince) return
    this.rollWindow()
    if (++this.messages > this.ctx.limits.maxMessagesPerSecond) return this.disconnect(CLOSE_POLICY, 'Too many messages per second')
    let msg: PhoenixMessage
    try {
      msg = this.serializer.decode(data, isBinary)
    } catch (err) {
      if (!(err instanceof MalformedFrame)) throw err
      return this.reply({ joinRef: null, ref: null, topic: 'phoenix' }, 'error', { reason: `MalformedWebSocketMessage: ${err.message}` })
    }
    if (msg.topic === 'phoenix') return this.reply(msg, msg.event === 'heartbeat' ? 'ok' : 'error', msg.event === 'heartbeat' ? {} : { reason: REASONS.unmatchedTopic })
    if (msg.event === 'phx_join') return this.join(msg)
    const channel = this.channels.get(msg.topic)
    if (!channel) return this.reply(msg, 'error', { reason: REASONS.unmatchedTopic })
    switch (msg.event) {
      case 'phx_leave':
        return this.leave(channel, msg)
      case 'broadcast':
        return channel.enqueue(() => this.broadcast(channel, msg))
      case 'presence':
        return channel.enqueue(() => this.presence(channel, msg))
      case 'access_token':
        return channel.enqueue(() => this.swapToken(channel, msg))
      default:
        return this.reply(msg, 'error', { reason: `UnknownEvent: ${msg.event.slice(0, 64)} is not an event a client may push` })
    }
  }

  send(frame: string | Buffer): void {
    if (this.closingSince || this.ws.readyState !== OPEN) return
    this.ws.send(frame)
    this.ctx.meter?.sent()
    if (this.ws.bufferedAmount > this.maxBufferedBytes) this.overflow()
  }

  overflow(): void {
    this.ctx.log.warn({ buffered: this.ws.bufferedAmount }, 'realtime: slow consumer disconnected')
    this.disconnect(CLOSE_POLICY, 'Slow consumer: the send buffer is full')
  }

  /** Closes the socket with a reason; its channels are released when the close completes. */
  disconnect(code: number, reason: string): void {
    if (this.closingSince) return
    this.closingSince = Date.now()
    this.releaseAll()
    if (this.ws.readyState === OPEN) this.ws.close(code, reason)
    else this.ws.terminate()
  }

  /** The socket is gone: every channel leaves its hub topic and its feed subscription. */
  releaseAll(): void {
    for (const channel of this.channels.values()) this.release(channel)
    this.channels.clear()
  }

  /** The sweep's per-channel checks: an expired token ends the channel; a due re-check re-resolves it. */
  checkChannels(now: number): void {
    for (const channel of this.channels.values()) {
      if (channel.state !== 'joined') continue
      if (channel.expiresAt <= now) this.end(channel, expiredMessage(channel.expiresAt / 1000, now))
      else if (channel.recheckAt <= now) {
        channel.recheckAt = now + this.ctx.recheckMs
        channel.enqueue(() => this.recheck(channel))
      }
    }
  }

  private rollWindow(): void {
    const now = Date.now()
    if (now - this.windowStart >= 1000) {
      this.windowStart = now
      this.messages = 0
      this.joins = 0
    }
  }

  private reply(to: Pick<PhoenixMessage, 'joinRef' | 'ref' | 'topic'>, status: 'ok' | 'error', response: unknown): void {
    this.send(this.serializer.encode({ joinRef: to.joinRef, ref: to.ref, topic: to.topic, event: 'phx_reply', payload: { status, response } }))
  }

  private join(msg: PhoenixMessage): void {
    if (!msg.topic.startsWith('realtime:')) return this.reply(msg, 'error', { reason: REASONS.unmatchedTopic })
    const topic = msg.topic.slice('realtime:'.length)
    if (topic === '') return this.reply(msg, 'error', { reason: REASONS.topicRequired })
    if (++this.joins > this.ctx.limits.maxJoinsPerSecond) {
      this.reply(msg, 'error', { reason: REASONS.tooManyJoins })
      return this.disconnect(CLOSE_POLICY, 'Too many joins per second')
    }
    const parsed = JoinPayload.safeParse(msg.payload)
    if (!parsed.success) return this.reply(msg, 'error', { reason: `InvalidJoinPayload: ${firstIssue(parsed.error)}` })
    const rawSpecs = parsed.data.config?.postgres_changes ?? []
    const specs: ChangeSpecInput[] = []
    for (const [i, raw] of rawSpecs.entries()) {
      const spec = PostgresChangeSpec.safeParse(raw)
      if (!spec.success) return this.reply(msg, 'error', { reason: `InvalidJoinPayload: config.postgres_changes.${i}.${firstIssue(spec.error)}` })
      specs.push({ event: spec.data.event, schema: spec.data.schema, table: spec.data.table ?? undefined, filter: spec.data.filter ?? undefined })
    }
    const existing = this.channels.get(msg.topic)
    if (existing) {
      // Phoenix: a second join of a topic closes the first.
      this.channels.delete(msg.topic)
      this.release(existing)
      this.send(this.serializer.encode({ joinRef: existing.joinRef, ref: existing.joinRef, topic: msg.topic, event: 'phx_close', payload: {} }))
    } else if (this.channels.size >= this.ctx.limits.maxChannelsPerSocket) {
      return this.reply(msg, 'error', { reason: REASONS.tooManyChannels })
    }
    const config = parsed.data.config
    const channel = new Channel({
      id: this.ctx.nextMemberId(),
      topic,
      joinRef: msg.joinRef ?? msg.ref,
      private: config?.private ?? false,
      identity: this.socketIdentity,
      outbox: this,
      log: this.ctx.log,
    })
    channel.ack = config?.broadcast?.ack ?? false
    const options: JoinOptions = {
      broadcast: { self: config?.broadcast?.self ?? false, ack: channel.ack },
      presence: { enabled: config?.presence?.enabled ?? false, key: config?.presence?.key || randomUUID() },
    }
    this.channels.set(msg.topic, channel)
    const token = parsed.data.access_token ?? parsed.data.user_token ?? undefined
    const floe = { ...config?.floe, ...parsed.data.floe }
    channel.enqueue(() => this.completeJoin(channel, msg, { token, options, specs, rawSpecs, since: floe.since ?? undefined, job: floe.job ?? undefined }))
  }

  private async completeJoin(
    channel: Channel,
    msg: PhoenixMessage,
    join: {
      token: string | undefined
      options: JoinOptions
      specs: ChangeSpecInput[]
      rawSpecs: unknown[]
      since: string | undefined
      job: { queue: string; id: string } | undefined
    },
  ): Promise<void> {
    const { hub, feed } = this.ctx
    try {
      const { identity, token } = await this.resolve(join.token)
      channel.setIdentity(identity, token)
      if (channel.expiresAt <= Date.now()) throw new RealtimeError(`InvalidJWTToken: ${expiredMessage(channel.expiresAt / 1000)}`)
      if (channel.isClosed()) return
      if (join.job) {
        await this.watchJob(channel, join.job)
        if (channel.isClosed()) return this.release(channel)
      } else if (hub) {
        // A job's feed is not a broadcast room: nobody else can send `job` events into it.
        await hub.join(channel, join.options)
        channel.inHub = true
        if (channel.isClosed()) return this.release(channel)
      }
      if (join.specs.length > 0) {
        if (!feed) throw new RealtimeError('PostgresChangesUnavailable: this server does not serve postgres_changes')
        channel.subscription = await feed.subscribe(channel, join.specs, { since: join.since })
        if (channel.isClosed()) return this.release(channel)
      }
      const ids = channel.subscription?.ids ?? []
      const echo = join.rawSpecs.map((raw, i) => ({ ...(raw as object), id: ids[i] }))
      channel.recheckAt = Date.now() + this.ctx.recheckMs
      this.reply(msg, 'ok', { postgres_changes: echo })
      channel.open([
        () => join.specs.length > 0 && channel.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL'),
        () =>
          channel.subscription?.gap &&
          channel.system('postgres_changes', 'error', 'ChangesMissed: config.floe.since is older than the retained change log; changes may have been missed'),
      ])
    } catch (err) {
      this.release(channel)
      if (this.channels.get(msg.topic) === channel) this.channels.delete(msg.topic)
      const { reason, known } = reasonFor(err, join.token)
      if (!known) this.ctx.log.error({ err, topic: channel.topic }, 'realtime join failed')
      this.reply(msg, 'error', { reason })
    }
  }

  private async watchJob(channel: Channel, job: { queue: string; id: string }): Promise<void> {
    if (!this.ctx.jobs) throw new RealtimeError('JobsUnavailable: this server does not run jobs')
    try {
      channel.stopJob = await this.ctx.jobs.watch(channel.identity(), job.queue, job.id, (view) => channel.sendBroadcast({ event: 'job', payload: view }))
    } catch (err) {
      if (err instanceof ApiError) {
        const details = typeof err.details === 'string' && err.details ? err.details : err.message
        throw new RealtimeError(`${err.status < 500 ? 'JobNotFound' : 'JobsUnavailable'}: ${details}`)
      }
      throw err
    }
  }

  /** The join's token as the REST bearer beside the socket's apikey; none (or a key): the socket's own credentials. */
  private async resolve(token: string | undefined): Promise<{ identity: Identity; token: string | undefined }> {
    if (token === undefined || token === '' || token.startsWith('sb_')) return { identity: await this.ctx.resolveIdentity(this.credentials), token: undefined }
    return { identity: await this.ctx.resolveIdentity({ apikey: this.credentials.apikey, authorization: `Bearer ${token}` }), token }
  }

  private leave(channel: Channel, msg: PhoenixMessage): void {
    this.channels.delete(msg.topic)
    this.release(channel)
    this.reply(msg, 'ok', {})
    this.send(this.serializer.encode({ joinRef: channel.joinRef, ref: channel.joinRef, topic: msg.topic, event: 'phx_close', payload: {} }))
  }

  /** Ends a channel from the server's side: a `system` error naming why, then `phx_close`. */
  private end(channel: Channel, message: string): void {
    if (channel.isClosed()) return
    channel.system('system', 'error', message)
    this.send(this.serializer.encode({ joinRef: channel.joinRef, ref: channel.joinRef, topic: channel.wireTopic, event: 'phx_close', payload: {} }))
    if (this.channels.get(channel.wireTopic) === channel) this.channels.delete(channel.wireTopic)
    this.release(channel)
  }

  private release(channel: Channel): void {
    channel.state = 'closed'
    channel.subscription?.unsubscribe()
    channel.subscription = undefined
    channel.stopJob?.()
    channel.stopJob = undefined
    if (channel.inHub && this.ctx.hub) {
      channel.inHub = false
      this.ctx.hub.leave(channel).catch((err: unknown) => this.ctx.log.warn({ err, topic: channel.topic }, 'realtime hub leave failed'))
    }
  }

  private async broadcast(channel: Channel, msg: PhoenixMessage): Promise<void> {
    if (channel.state !== 'joined') return this.reply(msg, 'error', { reason: REASONS.unmatchedTopic })
    const parsed = BroadcastPush.safeParse(msg.payload)
    if (!parsed.success) return this.reply(msg, 'error', { reason: `InvalidBroadcast: ${firstIssue(parsed.error)}` })
    const { event, payload } = parsed.data
    const binary = parsed.data.binary === true && payload instanceof Uint8Array
    try {
      if (!this.ctx.hub) throw new RealtimeError('BroadcastUnavailable: this server does not serve broadcast')
      await this.ctx.hub.broadcast(channel, { event, payload, ...(binary && { binary }) })
      if (channel.ack) this.reply(msg, 'ok', {})
    } catch (err) {
      const { reason, known } = reasonFor(err)
      if (!known) this.ctx.log.error({ err, topic: channel.topic }, 'realtime broadcast failed')
      if (channel.ack) this.reply(msg, 'error', { reason })
    }
  }

  private async presence(channel: Channel, msg: PhoenixMessage): Promise<void> {
    if (channel.state !== 'joined') return this.reply(msg, 'error', { reason: REASONS.unmatchedTopic })
    const parsed = PresencePush.safeParse(msg.payload)
    if (!parsed.success) return this.reply(msg, 'error', { reason: `InvalidPresence: ${firstIssue(parsed.error)}` })
    const meta = parsed.data.payload ?? {}
    if (parsed.data.event === 'track' && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) return this.reply(msg, 'error', { reason: REASONS.presenceNotMap })
    try {
      if (!this.ctx.hub) throw new RealtimeError('PresenceUnavailable: this server does not serve presence')
      if (parsed.data.event === 'track') await this.ctx.hub.track(channel, meta as Record<string, unknown>)
      else await this.ctx.hub.untrack(channel)
      this.reply(msg, 'ok', {})
    } catch (err) {
      const { reason, known } = reasonFor(err)
      if (!known) this.ctx.log.error({ err, topic: channel.topic }, 'realtime presence failed')
      this.reply(msg, 'error', { reason })
    }
  }

  /** As Supabase: a key (`sb_…`), the same token or none changes nothing; any other token is verified or ends the channel. */
  private async swapToken(channel: Channel, msg: PhoenixMessage): Promise<void> {
    const parsed = AccessTokenPush.safeParse(msg.payload)
    if (!parsed.success) return this.reply(msg, 'error', { reason: `InvalidAccessToken: ${firstIssue(parsed.error)}` })
    const token = parsed.data.access_token
    if (channel.isClosed() || !token || token.startsWith('sb_') || token === channel.accessToken) return
    try {
      const { identity } = await this.resolve(token)
      if (channel.isClosed()) return
      channel.setIdentity(identity, token)
      if (channel.expiresAt <= Date.now()) return this.end(channel, expiredMessage(channel.expiresAt / 1000))
      // As Supabase: a private channel the new identity may no longer read is ended.
      if (channel.private && this.ctx.authorize) {
        const rights = await this.ctx.authorize(identity, channel.topic)
        if (!rights.broadcastRead && !rights.presenceRead) this.end(channel, `You no longer have permission to read from this Channel topic: ${channel.topic}`)
      }
    } catch (err) {
      this.end(channel, this.refusal(err, token))
    }
  }

  private async recheck(channel: Channel): Promise<void> {
    try {
      await this.resolve(channel.accessToken)
    } catch (err) {
      this.end(channel, this.refusal(err, channel.accessToken))
    }
  }

  /** A refusal as a `system` message: expired tokens in Supabase's exact words. */
  private refusal(err: unknown, token: string | undefined): string {
    const { reason, known } = reasonFor(err, token)
    if (!known) this.ctx.log.error({ err }, 'realtime token check failed')
    return reason.replace(/^InvalidJWTToken: (Token has expired)/, '$1')
  }
}
