import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { markServiceFailure } from '../errors/index.js'
import type { Logger } from '../log.js'
import type { DB } from './types.js'

export interface Database {
  pool: pg.Pool
  db: Kysely<DB>
  /** Checks a round trip to Postgres; resolves with the latency in ms. */
  ping(): Promise<number>
  close(): Promise<void>
}

/** The one pg Pool and Kysely instance of a process. */
export function createDatabase(url: string, options: { max: number; log: Logger; applicationName?: string }): Database {
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
  let closed = false
  return {
    pool,
    db,
    async ping() {
      const started = performance.now()
      await pool.query('select 1')
      return Math.round((performance.now() - started) * 100) / 100
    },
    async close() {
      if (closed) return
      closed = true
      await db.destroy() // ends the pool
    },
  }
}
