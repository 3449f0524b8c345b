/**
 * The process's one LISTEN connection, shared by every channel (schema reloads and key rotations
 * on `floe`, queue declarations on `floe_queues`, the outbox relay on `floe_outbox`, realtime
 * next). A pooled connection cannot hold a LISTEN: the pool would hand it to requests and
 * recycle it. So this is a dedicated client, opened on the first `listen()`.
 *
 * When it drops (server restart, pg_terminate_backend, network) it reconnects with exponential
 * backoff and jitter, once for all channels, LISTENs every channel again in one round trip, and
 * then calls each subscriber's `onMissed`: notifications sent while it was away are lost for good,
 * so the subscriber reloads or sweeps. `onMissed` is also called when a subscription made while
 * the connection was down finally holds.
 *
 * Session state: `query()` runs a statement on this connection's session, for state that must
 * live exactly as long as the LISTEN does (the relay's busy advisory lock: while it is held, the
 * outbox trigger skips its NOTIFY). Such state goes with the connection: each subscriber holding some is told by its
 * `onLost` hook, called as soon as the drop is seen, and takes it again after the reconnect if it
 * still needs it.
 */
import pg from 'pg'
import type { Logger } from '../log.js'

/** Channels are identifiers spliced into LISTEN: they come from code, but are checked anyway. */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/

export interface ListenHooks {
  /** LISTEN holds again after a drop (or after a failed first attempt): reload, sweep, catch up. */
  onMissed?: () => void
  /** The connection is gone, and the session state kept on it (advisory locks) with it. */
  onLost?: () => void
}

export type Unsubscribe = () => Promise<void>

export interface ListenerStats {
  /** Connected, with every subscribed channel LISTENed. */
  listening: boolean
  channels: string[]
  /** Successful connections after the first. */
  reconnects: number
}

export interface Listener {
  /**
   * Subscribes `handler` to `channel` (LISTEN is sent for a channel's first subscriber). Resolves
   * once the LISTEN holds, or once the connection attempt under way has failed: then the
   * subscription stays, is LISTENed after the reconnect, and its `onMissed` is called. Rejects
   * only for an invalid channel name or a closed listener.
   */
  listen(channel: string, handler: (payload: string) => void, hooks?: ListenHooks): Promise<Unsubscribe>
  /** Connected, with every subscribed channel LISTENed (stats().listening without the allocation). */
  readonly isListening: boolean
  /** Runs one statement on the LISTEN connection's session; rejects while it is down. */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>
  stats(): ListenerStats
  close(): Promise<void>
}

export interface ListenerOptions {
  /** Connection settings; application_name and keepAlive are set here. */
  connection: pg.ClientConfig
  log: Logger
  /** Reconnection delay: `initialMs` doubling up to `maxMs` (with jitter); default 100 ms to 10 s. */
  backoff?: { initialMs: number; maxMs: number }
}

interface Subscription extends ListenHooks {
  handler: (payload: string) => void
  /** Notifications may have been lost since this subscription was last known to hold. */
  missed: boolean
}

/** The statement under way on each LISTEN connection, so the next one waits its turn. */
const turns = new WeakMap<pg.Client, Promise<unknown>>()

/**
 * One statement at a time on the shared connection (LISTEN/UNLISTEN and the subscribers'
 * session statements come from independent callers): pg queues overlapping calls itself, but
 * calling query() while one runs is deprecated since pg 8.23 and goes away in pg 9.
 */
function inTurn<T>(c: pg.Client, run: () => Promise<T>): Promise<T> {
  const next = (turns.get(c) ?? Promise.resolve()).then(run, run)
  turns.set(c, next.catch(() => undefined))
  return next
}

export const LISTENER_APPLICATION_NAME = 'floe-listener'

export function createListener(options: ListenerOptions): Listener {
  return new SharedListener(options)
}

class SharedListener implements Listener {
  private readonly subs = new Map<string, Set<Subscription>>()
  /** The live connection, once connected and its first LISTENs are sent. */
  private client: pg.Client | undefined
  /** The LISTEN of each channel on `client`. */
  private listened = new Map<string, Promise<unknown>>()
  private listening = false
  /** The connection attempt under way. */
  private attempt: Promise<void> | undefined
  private connecting: pg.Client | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private started = false
  private closed = false
  private failures = 0
  private connections = 0

  constructor(private readonly options: ListenerOptions) {}

  async listen(channel: string, handler: (payload: string) => void, hooks: ListenHooks = {}): Promise<Unsubscribe> {
    if (!CHANNEL.test(channel)) throw new Error(`invalid LISTEN channel ${JSON.stringify(channel)}`)
    if (this.closed) throw new Error('the database listener is closed')
    const sub: Subscription = { handler, ...hooks, missed: false }
    let set = this.subs.get(channel)
    if (!set) this.subs.set(channel, (set = new Set()))
    set.add(sub)
    if (!this.started) {
      this.started = true
      void this.connect()
    }
    // An attempt under way LISTENs this channel too (in its batch, or right after it).
    if (this.attempt) await this.attempt
    if (!(await this.ensureListened(channel))) sub.missed = true
    return () => this.unsubscribe(channel, sub)
  }

  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    const c = this.client
    if (!c) throw new Error('the database LISTEN connection is down')
    return inTurn(c, () => c.query<R>(text, values))
  }

  get isListening(): boolean {
    return this.listening
  }

  stats(): ListenerStats {
    return { listening: this.listening, channels: [...this.subs.keys()], reconnects: Math.max(0, this.connections - 1) }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.listening = false
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.subs.clear()
    const c = this.client ?? this.connecting
    this.client = undefined
    await c?.end().catch(() => undefined)
    await this.attempt
  }

  private async unsubscribe(channel: string, sub: Subscription): Promise<void> {
    const set = this.subs.get(channel)
    if (!set?.delete(sub) || set.size > 0) return
    this.subs.delete(channel)
    const c = this.client
    if (c && this.listened.delete(channel)) await inTurn(c, () => c.query(`unlisten ${channel}`)).catch(() => undefined)
  }

  /** True once `channel` is LISTENed on the live connection; false while there is none. */
  private async ensureListened(channel: string): Promise<boolean> {
    const c = this.client
    if (!c) return false
    let sent = this.listened.get(channel)
    if (!sent) this.listened.set(channel, (sent = inTurn(c, () => c.query(`listen ${channel}`))))
    try {
      await sent
      return true
    } catch (err) {
      // Only a broken connection fails a LISTEN: make sure it ends, so the reconnect takes over.
      this.dropped(c, err as Error)
      return false
    }
  }

  private connect(): Promise<void> {
    this.retryTimer = undefined
    if (this.closed) return Promise.resolve()
    const c = new pg.Client({ ...this.options.connection, application_name: LISTENER_APPLICATION_NAME, keepAlive: true })
    this.connecting = c
    c.on('error', (err) => this.dropped(c, err))
    c.on('end', () => this.dropped(c))
    c.on('notification', (msg) => this.dispatch(msg.channel, msg.payload ?? ''))
    this.attempt = this.open(c).finally(() => {
      if (this.connecting === c) this.connecting = undefined
      this.attempt = undefined
    })
    return this.attempt
  }

  private async open(c: pg.Client): Promise<void> {
    const channels = [...this.subs.keys()]
    try {
      await c.connect()
      if (channels.length > 0) await c.query(channels.map((ch) => `listen ${ch}`).join('; '))
      if (this.closed) throw new Error('closed')
    } catch (err) {
      c.end().catch(() => undefined)
      for (const set of this.subs.values()) for (const s of set) s.missed = true
      if (!this.closed) {
        this.options.log.warn({ err: { message: (err as Error).message } }, 'database LISTEN connection failed; retrying')
        this.scheduleConnect()
      }
      return
    }
    this.client = c
    this.listened = new Map(channels.map((ch) => [ch, Promise.resolve()]))
    this.connections++
    // Channels left while the batch was on its way, then channels subscribed meanwhile.
    for (const ch of channels) {
      if (this.subs.has(ch)) continue
      this.listened.delete(ch)
      void inTurn(c, () => c.query(`unlisten ${ch}`)).catch(() => undefined)
    }
    for (const ch of this.subs.keys()) if (!(await this.ensureListened(ch))) return
    this.listening = true
    this.failures = 0
    for (const set of this.subs.values()) {
      for (const s of set) {
        if (!s.missed) continue
        s.missed = false
        this.call(s.onMissed)
      }
    }
  }

  private dropped(c: pg.Client, err?: Error): void {
    if (c !== this.client || this.closed) return
    this.client = undefined
    this.listened = new Map()
    this.listening = false
    c.end().catch(() => undefined)
    this.options.log.warn({ err: err ? { message: err.message } : undefined, channels: [...this.subs.keys()] }, 'database LISTEN connection lost; reconnecting')
    for (const set of this.subs.values()) {
      for (const s of set) {
        s.missed = true
        this.call(s.onLost)
      }
    }
    this.scheduleConnect()
  }

  private scheduleConnect(): void {
    const backoff = this.options.backoff ?? { initialMs: 100, maxMs: 10_000 }
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** this.failures) * (0.5 + Math.random() / 2)
    this.failures++
    this.retryTimer = setTimeout(() => void this.connect(), delay)
  }

  private dispatch(channel: string, payload: string): void {
    for (const s of this.subs.get(channel) ?? []) this.call(() => s.handler(payload))
  }

  /** A subscriber's exception must not reach the connection's event handlers or its neighbours. */
  private call(fn: (() => void) | undefined): void {
    try {
      fn?.()
    } catch (err) {
      this.options.log.error({ err }, 'database listener: a subscriber threw')
    }
  }
}
