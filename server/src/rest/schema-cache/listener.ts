/**
 * A dedicated LISTEN connection that survives its connection being dropped (server restart,
 * pg_terminate_backend, network): it reconnects with exponential backoff and jitter, and reports
 * each reconnection because notifications sent while it was away are lost for good.
 * A pooled connection cannot hold a LISTEN: the pool would hand it to requests and recycle it.
 */
import pg from 'pg'
import type { Logger } from '../../log.js'

export interface NotificationListenerOptions {
  /** Connection settings; application_name and keepAlive are set here. */
  connection: pg.ClientConfig
  channel: string
  log: Logger
  onNotification: (payload: string) => void
  /** Called when LISTEN holds again after a drop or after failed first attempts: whatever was
   *  notified meanwhile is lost, so the owner reloads. */
  onReconnected: () => void
  backoff?: { initialMs: number; maxMs: number }
}

export interface NotificationListener {
  readonly isListening: boolean
  /** Settles once the first connection attempt is over, listening or not. */
  readonly firstAttempt: Promise<void>
  close(): Promise<void>
}

export function startNotificationListener(options: NotificationListenerOptions): NotificationListener {
  // The channel is an identifier spliced into LISTEN: it comes from code, but is checked anyway.
  if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`invalid LISTEN channel ${options.channel}`)
  const backoff = options.backoff ?? { initialMs: 100, maxMs: 10_000 }
  let client: pg.Client | undefined
  let listening = false
  let closed = false
  let failures = 0
  let missedSome = false
  let firstAttemptDone!: () => void
  const firstAttempt = new Promise<void>((resolve) => (firstAttemptDone = resolve))
  let retryTimer: NodeJS.Timeout | undefined

  const dropped = (which: pg.Client, err?: Error) => {
    if (which !== client || closed) return
    client = undefined
    listening = false
    missedSome = true
    which.end().catch(() => undefined)
    options.log.warn({ err: err ? { message: err.message } : undefined }, 'schema cache LISTEN connection lost; reconnecting')
    scheduleConnect()
  }

  const scheduleConnect = () => {
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures) * (0.5 + Math.random() / 2)
    failures++
    retryTimer = setTimeout(() => void connect(), delay)
  }

  const connect = async () => {
    retryTimer = undefined
    if (closed) return
    const c = new pg.Client({ ...options.connection, application_name: 'floe-schema-listener', keepAlive: true })
    client = c
    c.on('error', (err) => dropped(c, err))
    c.on('end', () => dropped(c))
    c.on('notification', (msg) => {
      if (msg.channel === options.channel) options.onNotification(msg.payload ?? '')
    })
    try {
      await c.connect()
      await c.query(`listen ${options.channel}`)
    } catch (err) {
      if (client === c) {
        client = undefined
        c.end().catch(() => undefined)
        if (!closed) {
          options.log.warn({ err: { message: (err as Error).message } }, 'schema cache LISTEN connection failed; retrying')
          scheduleConnect()
        }
      }
      missedSome = true
      return
    } finally {
      firstAttemptDone()
    }
    if (closed || client !== c) return
    listening = true
    failures = 0
    if (missedSome) options.onReconnected()
    missedSome = false
  }

  void connect()
  return {
    get isListening() {
      return listening
    },
    firstAttempt,
    async close() {
      closed = true
      listening = false
      if (retryTimer) clearTimeout(retryTimer)
      const c = client
      client = undefined
      await c?.end().catch(() => undefined)
    },
  }
}
