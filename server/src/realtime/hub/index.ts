/**
 * The realtime hub: broadcast and presence with Supabase's semantics, private channels
 * authorised by the rules on `realtime.messages` (migrations/0018), broadcasts sent from SQL
 * (`realtime.send`), and fan-out across replicas over Redis pub/sub, or Postgres NOTIFY without
 * Redis. It owns no socket and no (de)serialisation: the socket side hands it ChannelMembers
 * (../types.ts) and sends what it delivers. The change feed (postgres_changes) is not here.
 *
 * Limits (HubOptions, Supabase's defaults): a payload (broadcast, or presence meta) of at most
 * 3,000,000 bytes; at most 100 broadcast and presence messages per second per joined channel.
 * A replica that dies: its presences leave within `replicaTimeoutMs` (10 s by default).
 */
import type { Redis } from 'ioredis'
import type { Database, WithRequestRole } from '../../db/index.js'
import type { Logger } from '../../log.js'
import type { Hub } from '../types.js'
import { DEFAULT_MAX_MESSAGES_PER_SECOND, DEFAULT_MAX_PAYLOAD_BYTES } from './limits.js'
import { RealtimeHub } from './hub.js'
import { PostgresBus } from './postgres-bus.js'
import { RedisBus } from './redis-bus.js'
import { listenSqlMessages } from './sql-messages.js'

export { authorizeTopic, type TopicRights } from './authorize.js'
export { DEFAULT_MAX_MESSAGES_PER_SECOND, DEFAULT_MAX_PAYLOAD_BYTES, MAX_PAYLOAD_DEPTH, nestsTooDeep } from './limits.js'
export type { RealtimeHub } from './hub.js'

export interface HubOptions {
  database: Database
  withRequestRole: WithRequestRole
  /** Given: the bus is Redis pub/sub; otherwise Postgres NOTIFY on the shared LISTEN connection. */
  redis?: Redis | undefined
  /** Prefixes the Redis channel (`<prefix>realtime`), as every Floe Redis key. */
  redisPrefix: string
  log: Logger
  /** Largest broadcast payload or presence meta, in bytes (JSON text, or the bytes of a binary payload). */
  maxPayloadBytes?: number
  /** Broadcast and presence messages per second per joined channel. */
  maxMessagesPerSecond?: number
  /** How often a replica says it is alive. Default 2 s. */
  heartbeatMs?: number
  /** Silent this long, a replica is dead and its presences leave. Default 10 s. */
  replicaTimeoutMs?: number
  /** How long a starting hub waits for the other replicas' presence before its first join. Default 100 ms. */
  syncWaitMs?: number
  /** `realtime.messages` rows older than this are deleted. Default 1 day. */
  messageRetentionS?: number
  /** How often the old messages (and large bus messages) are swept. Default 60 s. */
  sweepMs?: number
}

/** Seconds a large Postgres-bus message is kept for the replicas to read it. */
const BUS_KEEP_S = 300

export function createHub(options: HubOptions): RealtimeHub {
  const { database, log } = options
  const pgBus = options.redis ? undefined : new PostgresBus(database, log)
  const bus = options.redis ? new RedisBus(options.redis, options.redisPrefix, log) : pgBus!
  const retentionS = options.messageRetentionS ?? 86_400
  const sweepMs = options.sweepMs ?? 60_000
  const sweep = async () => {
    await database.withOwner('realtime: delete old messages', ({ client }) =>
      client.query('delete from realtime.messages where inserted_at < now() - make_interval(secs => $1)', [retentionS]),
    )
    await pgBus?.sweep(BUS_KEEP_S)
  }
  return new RealtimeHub(
    {
      database,
      withRequestRole: options.withRequestRole,
      bus,
      log,
      settings: {
        maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
        maxMessagesPerSecond: options.maxMessagesPerSecond ?? DEFAULT_MAX_MESSAGES_PER_SECOND,
        heartbeatMs: options.heartbeatMs ?? 2_000,
        replicaTimeoutMs: options.replicaTimeoutMs ?? 10_000,
        syncWaitMs: options.syncWaitMs ?? 100,
      },
    },
    [
      async (hub) => {
        const unlisten = await listenSqlMessages(database, log, (m) => hub.deliverFromSql(m.topic, m.message, m.private))
        return unlisten
      },
      async () => {
        const timer = setInterval(() => void sweep().catch((err: unknown) => log.debug({ err }, 'realtime: sweep failed; retried later')), sweepMs)
        timer.unref()
        return async () => clearInterval(timer)
      },
    ],
  )
}

export type { Hub }
