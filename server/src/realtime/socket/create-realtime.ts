/**
 * The realtime service as the process holds it: the change feed and the hub (built from their
 * factories unless a test hands them in), the socket server over both, its stats and readiness,
 * and the shutdown that undoes it: `drain` closes the sockets (before the HTTP server stops, so
 * it does not wait on them), `close` then stops the hub and the feed.
 */
import type { Redis } from 'ioredis'
import type { Database, WithRequestRole } from '../../db/index.js'
import type { IdentityResolver } from '../../http/index.js'
import type { Logger } from '../../log.js'
import type { RealtimeMeter } from '../../metrics/index.js'
import { createChangeFeed } from '../changes/index.js'
import { createHub } from '../hub/index.js'
import type { BroadcastApiHub } from '../routes/broadcast-api.js'
import type { ChangeFeed, ChangeFeedStats, Hub, JobFeed } from '../types.js'
import type { RealtimeLimits } from './connection.js'
import { createSocketServer, type SocketServer, type SocketServerStats } from './server.js'

export interface RealtimeSettings {
  /** How long the change log keeps changes for a rejoin with `config.floe.since`. */
  retentionS: number
  limits: RealtimeLimits
}

export interface RealtimeDeps {
  database: Database
  withRequestRole: WithRequestRole
  resolveIdentity: IdentityResolver
  redis?: Redis | undefined
  redisPrefix: string
  log: Logger
  settings: RealtimeSettings
  /** Replace the parts (tests); otherwise built from their factories. */
  feed?: ChangeFeed | undefined
  hub?: Hub | undefined
  /** Jobs' events, for channels joined with `floe.job` (jobs.wait in the SDK). */
  jobs?: JobFeed | undefined
  /** Counts the frames written to sockets (metrics). */
  meter?: RealtimeMeter | undefined
  /** The shared sweep's period (default 1 s) and how often identities are re-resolved (default 60 s). */
  sweepMs?: number
  recheckMs?: number
}

export interface RealtimeStats extends SocketServerStats {
  hub: ReturnType<Hub['stats']> | null
  feed: ChangeFeedStats | null
}

export interface Realtime {
  readonly hub: Hub | undefined
  /** What `POST /api/broadcast` needs (the hub built here; absent when a test hands in its own). */
  readonly broadcastApi: BroadcastApiHub | undefined
  readonly sockets: SocketServer
  stats(): RealtimeStats
  /** For /ready: sockets, channels, the bus and the feed's lag. */
  check(): Promise<{ status: 'ok' | 'error'; message: string }>
  drain(): Promise<void>
  close(): Promise<void>
}

export function createRealtime(deps: RealtimeDeps): Realtime {
  const log = deps.log.child({ module: 'realtime' })
  const feed = deps.feed ?? createChangeFeed({ database: deps.database, log, retentionS: deps.settings.retentionS })
  const built = deps.hub ? undefined : createHub({ database: deps.database, withRequestRole: deps.withRequestRole, redis: deps.redis, redisPrefix: deps.redisPrefix, log })
  const hub: Hub | undefined = deps.hub ?? built
  let nextId = 0
  const sockets = createSocketServer({
    feed,
    hub,
    jobs: deps.jobs,
    resolveIdentity: deps.resolveIdentity,
    limits: deps.settings.limits,
    log,
    recheckMs: deps.recheckMs ?? 60_000,
    authorize: built && ((identity, topic) => built.authorize(identity, topic)),
    sweepMs: deps.sweepMs ?? 1_000,
    nextMemberId: () => `${process.pid}.${++nextId}`,
    meter: deps.meter,
  })
  log.info({ bus: hub?.stats().bus ?? null, retentionS: deps.settings.retentionS, limits: deps.settings.limits }, 'realtime: serving /realtime/v1/websocket')
  let drained: Promise<void> | undefined
  let closed: Promise<void> | undefined
  const stats = (): RealtimeStats => ({ ...sockets.stats(), hub: hub?.stats() ?? null, feed: feed?.stats() ?? null })
  return {
    hub,
    broadcastApi: built,
    sockets,
    stats,
    async check() {
      if (drained) return { status: 'error', message: 'shutting down' }
      const s = stats()
      const parts = [`${s.sockets} sockets, ${s.channels} channels`]
      parts.push(s.hub ? `broadcast/presence over ${s.hub.bus}` : 'broadcast/presence off')
      parts.push(s.feed ? `postgres_changes lag ${s.feed.lag}` : 'postgres_changes off')
      return { status: 'ok', message: parts.join('; ') }
    },
    drain: () => (drained ??= sockets.drain()),
    close: () =>
      (closed ??= (async () => {
        await (drained ??= sockets.drain())
        await hub?.close().catch((err: unknown) => log.warn({ err }, 'realtime hub close failed'))
        await feed?.close().catch((err: unknown) => log.warn({ err }, 'realtime feed close failed'))
      })()),
  }
}
