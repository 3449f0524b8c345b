/**
 * The one door to a transaction as the server's own role (the owner of the platform's tables):
 * `withOwner(reason, fn, options)`. Every privileged transaction goes through it, named by a
 * reason so each use is easy to grep and review, and they all share one rollback/release policy:
 *
 * - BEGIN and every `set local` of the options travel in ONE simple-protocol message, so a caller
 *   with settings (the schema cache's `search_path`, the admin API's timeouts) pays no extra round
 *   trip: begin, the callback's statements, commit.
 * - On any error: ROLLBACK. If that ROLLBACK fails, the connection reported an error meanwhile, or
 *   it is not idle once the door is done, the connection is destroyed (release(err)), never handed
 *   back to the pool in an unknown state.
 * - While the callback holds the connection, an error event on it (the backend terminated while
 *   the callback awaits something else, e.g. the relay waiting on Redis) is caught here rather than
 *   crashing the process: the next statement fails and the connection is destroyed.
 * - A failure is logged with its reason: at debug for an ApiError below 500 (an answer, e.g. "no
 *   such webhook", which the caller returns), at warn otherwise; the error is rethrown either way.
 */
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely'
import type pg from 'pg'
import { ApiError } from '../errors/index.js'
import type { Logger } from '../log.js'
import { transactionStatus } from './pipeline.js'
import { quoteLiteral } from './sql-literal.js'
import type { DB } from './types.js'

export interface OwnerTxOptions {
  /** `BEGIN READ ONLY`. */
  readOnly?: boolean
  /** Roll back instead of committing (reads that must leave nothing behind, dry runs). */
  rollback?: boolean
  /** `set local statement_timeout`. */
  statementTimeoutMs?: number
  /** `set local lock_timeout`. */
  lockTimeoutMs?: number
  /** Further `set local name = 'value'` settings, e.g. `{ search_path: '' }`. */
  settings?: Record<string, string>
  /**
   * Destroy the connection afterwards instead of handing it back to the pool: the callback ran
   * SQL that may change the session for good (an admin's script: SET, PREPARE, LISTEN, temp tables).
   */
  discard?: boolean
}

export interface OwnerTx {
  /** The transaction's connection, for node-postgres queries. Never released by the callback. */
  client: pg.PoolClient
  /** Kysely over the same connection and transaction (built on first use). Never call `.transaction()` on it. */
  readonly trx: Kysely<DB>
}

export type WithOwner = <T>(reason: string, fn: (tx: OwnerTx) => Promise<T>, options?: OwnerTxOptions) => Promise<T>

/** storage's shape of the door: a Kysely transaction only. */
export type WithServiceRole = <T>(reason: string, fn: (trx: Kysely<DB>) => Promise<T>) => Promise<T>

/** A setting name spliced into `set local`: a plain (optionally dotted) identifier. */
const SETTING_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/

/** `begin [read only]; set local ...` as one statement list (one round trip). Exported for tests. */
export function ownerPreamble(options: OwnerTxOptions): string {
  const settings: [string, string][] = []
  if (options.statementTimeoutMs !== undefined) settings.push(['statement_timeout', String(Math.trunc(options.statementTimeoutMs))])
  if (options.lockTimeoutMs !== undefined) settings.push(['lock_timeout', String(Math.trunc(options.lockTimeoutMs))])
  settings.push(...Object.entries(options.settings ?? {}))
  const parts = [options.readOnly ? 'begin read only' : 'begin']
  for (const [name, value] of settings) {
    if (!SETTING_NAME.test(name)) throw new Error(`invalid setting name ${JSON.stringify(name)}`)
    parts.push(`set local ${name} = ${quoteLiteral(value)}`)
  }
  return parts.join('; ')
}

const kyselyByClient = new WeakMap<pg.PoolClient, Kysely<DB>>()

/**
 * A Kysely whose only connection is `client`, checked out by the door: its "pool" hands out that
 * client and its release does nothing (the door releases). Cached per client, as the pool reuses
 * clients; it only ever runs while the door holds that client.
 */
function kyselyOn(client: pg.PoolClient): Kysely<DB> {
  let k = kyselyByClient.get(client)
  if (!k) {
    const held = { query: client.query.bind(client), release: () => undefined }
    const pool = { connect: async () => held, end: async () => undefined } as unknown as PostgresPool
    k = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    kyselyByClient.set(client, k)
  }
  return k
}

/** Builds the door over a pool. `createDatabase` makes the process's one; see the file's header. */
export function createWithOwner(pool: pg.Pool, log: Logger): WithOwner {
  return async function withOwner<T>(reason: string, fn: (tx: OwnerTx) => Promise<T>, options: OwnerTxOptions = {}): Promise<T> {
    const preamble = ownerPreamble(options)
    const client = await pool.connect()
    let destroy: Error | undefined
    const onError = (err: Error) => (destroy ??= err)
    client.on('error', onError)
    try {
      // Inside the try: a failed preamble leaves an aborted transaction to roll back.
      await client.query(preamble)
      const result = await fn({
        client,
        get trx() {
          return kyselyOn(client)
        },
      })
      const end = await client.query(options.rollback ? 'rollback' : 'commit')
      // Postgres answers COMMIT with ROLLBACK when an error inside (caught by the callback)
      // aborted the transaction: nothing was written, so this is not a success.
      if (!options.rollback && end.command === 'ROLLBACK') throw new Error('the transaction was aborted by an earlier error and rolled back at COMMIT')
      log.debug({ reason }, 'owner transaction done')
      return result
    } catch (err) {
      const answer = err instanceof ApiError && err.status < 500
      log[answer ? 'debug' : 'warn']({ reason, err }, 'owner transaction failed; rolling back')
      try {
        await client.query('rollback')
      } catch (rollbackErr) {
        destroy = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr))
        log.warn({ reason, err: { message: destroy.message } }, 'owner transaction: ROLLBACK failed; connection destroyed')
      }
      throw err
    } finally {
      client.off('error', onError)
      if (!destroy && transactionStatus(client) !== 'I') destroy = new Error('connection not idle after an owner transaction')
      if (!destroy && options.discard) destroy = new Error(`${reason}: the connection is not reused`)
      client.release(destroy)
    }
  }
}

/** Privileged work outside any caller's rules, in storage's shape (a Kysely transaction): the same door. */
export function createWithServiceRole(withOwner: WithOwner): WithServiceRole {
  return (reason, fn) => withOwner(reason, (tx) => fn(tx.trx))
}

/**
 * Runs `fn` inside the door's transaction under a savepoint that is always rolled back, whatever
 * `fn` did: a trial (e.g. evaluating an admin's expression as another role) whose error, writes
 * and `set_config(..., true)` settings must not reach the rest of the transaction.
 */
export async function withTrialSavepoint<T>(client: pg.PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('savepoint floe_trial')
  try {
    return await fn()
  } finally {
    await client.query('rollback to savepoint floe_trial')
  }
}
