/**
 * The handler contract. A user handler is a module in FLOE_FUNCTIONS_DIR whose default export is
 * `defineHandler({ payload?, run })`; the file name (without extension) is the handler's name,
 * which a queue declaration names in `handler`.
 */
import type { Kysely } from 'kysely'
import type pg from 'pg'
import type { ZodType } from 'zod'
import type { DB } from '../db/index.js'
import type { Logger } from '../log.js'
import type { HandlerStorage } from './handler-storage.js'

export interface HandlerContext {
  job: { id: string; queue: string; attempt: number }
  /** Service-role database access: the server's own connection, outside any caller's rules. */
  db: Kysely<DB>
  pool: pg.Pool
  /** Storage as the service role: the same buckets, objects and limits as /storage/v1. */
  storage: HandlerStorage
  log: Logger
  /** Visible to the enqueuer through GET /jobs/v1/:queue/:id while the job runs. */
  progress(value: number | Record<string, unknown>): Promise<void>
  /** Aborted when the queue's timeout_ms passes. */
  signal: AbortSignal
}

export interface Handler<P = unknown, R = unknown> {
  /** Validates the payload before `run`; a payload that fails can never succeed, so no retry. */
  payload?: ZodType<P>
  run(payload: P, ctx: HandlerContext): Promise<R> | R
}

/** Identity at run time; it gives a handler module its types. */
export function defineHandler<P = unknown, R = unknown>(handler: Handler<P, R>): Handler<P, R> {
  return handler
}

export function isHandler(value: unknown): value is Handler {
  return typeof value === 'object' && value !== null && typeof (value as Handler).run === 'function'
}
