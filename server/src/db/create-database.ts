import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { markServiceFailure } from '../errors/index.js'
import type { Logger } from '../log.js'
import { createListener, type Listener } from './listener.js'
import type { DB } from './types.js'
import { createWithOwner, type WithOwner } from './with-owner.js'

export interface Database {
  pool: pg.Pool
  db: Kysely<DB>
  /** The one door to a transaction as the server's own role (with-owner.ts). */
  withOwner: WithOwner
  /** The process's one LISTEN connection, opened on the first `listen()` (listener.ts). */
  listener: Listener
  /** Checks a round trip to Postgres; resolves with the latency in ms. */
  ping(): Promise<number>
  close(): Promise<void>
}

export interface DatabaseOptions {
  max: number
  log: Logger
  applicationName?: string
  /** Reconnection backoff of the LISTEN connection (tests shorten or lengthen it). */
  listenerBackoff?: { initialMs: number; maxMs: number }
}

/** The one pg Pool, Kysely instance, owner door and LISTEN connection of a process. */
export function createDatabase(url: string, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    application_name: options.applicationName ?? 'floe',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  })
  // An idle client losing its connection (server restart, network) must not crash the process.
  pool.on('error', (err) => options.log.warn({ err: { message: err.message } }, 'idle database connection lost'))
  // A failed connect is the database being unreachable (503), not the request's fault (500).
  const connect = pool.connect.bind(pool)
  pool.connect = ((callback?: Parameters<pg.Pool['connect']>[0]) =>
    callback ? connect(callback) : connect().catch((err: unknown) => Promise.reject(markServiceFailure(err, 'database')))) as pg.Pool['connect']
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  const withOwner = createWithOwner(pool, options.log)
  const listener = createListener({
    connection: { connectionString: url, connectionTimeoutMillis: 10_000 },
    log: options.log,
    ...(options.listenerBackoff ? { backoff: options.listenerBackoff } : {}),
  })
  let closed = false
  return {
    pool,
    db,
    withOwner,
    listener,
    async ping() {
      const started = performance.now()
      await pool.query('select 1')
      return Math.round((performance.now() - started) * 100) / 100
    },
    async close() {
      if (closed) return
      closed = true
      await listener.close()
      await db.destroy()
      // Kysely ends the pool only if it ever drew a connection from it: a process that used the
      // pool alone (`floe migrate`, the owner door) kept an idle client, and so ran on, for
      // the pool's 30 s idle timeout.
      if (!pool.ended) await pool.end()
    },
  }
}
