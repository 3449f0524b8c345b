import { sql, type Kysely } from 'kysely'
import type pg from 'pg'
import { claimSettings } from './claims.js'
import { runPipeline, transactionStatus } from './pipeline.js'
import { quoteLiteral } from './sql-literal.js'
import type { DB, RequestRole } from './types.js'

/** Role names that may be switched to: plain identifiers only, checked again by the allowlist. */
const ROLE_NAME = /^[a-z_][a-z0-9_]*$/

export interface RequestTxOptions {
  /** `BEGIN ... READ ONLY` for reads, as PostgREST does for GET/HEAD. */
  readOnly?: boolean
  /** Roll back instead of committing (PostgREST's `Prefer: tx=rollback`). */
  rollback?: boolean
  /** Extra `set_config(key, value, true)` pairs, e.g. request.method / request.path. */
  settings?: Record<string, string>
}

interface RoleOptions {
  allowedRoles: ReadonlySet<string>
  statementTimeoutMs: number
}

/**
 * The settings every request transaction makes, as (name, value) pairs, after checking the role
 * against the allowlist: role, verified claims (claims.ts), statement timeout, then the caller's extras.
 */
function requestSettings(identity: RequestRole, options: RoleOptions, txOptions: RequestTxOptions): [string, string][] {
  if (!ROLE_NAME.test(identity.role) || !options.allowedRoles.has(identity.role)) {
    throw new Error(`role ${JSON.stringify(identity.role)} is not in the allowed set`)
  }
  return [
    ['role', identity.role],
    ...claimSettings(identity.claims),
    ['statement_timeout', String(options.statementTimeoutMs)],
    ...Object.entries(txOptions.settings ?? {}),
  ]
}

const beginText = (readOnly: boolean | undefined) => `begin isolation level read committed${readOnly ? ' read only' : ''}`

export type WithRequestRole = <T>(
  identity: RequestRole,
  fn: (trx: Kysely<DB>) => Promise<T>,
  options?: RequestTxOptions,
) => Promise<T>

/**
 * Builds `withRequestRole`: one transaction as the caller's role, so RLS decides.
 *
 * Round trips: BEGIN and every set_config travel together in one simple-protocol message (values
 * quoted by quoteLiteral, the role checked against the allowlist), then the caller's statements,
 * then COMMIT — 3 round trips for a one-statement request, as PostgREST. is_local = true: nothing
 * survives COMMIT or ROLLBACK to leak into the next request on this pooled connection.
 */
export function createWithRequestRole(
  db: Kysely<DB>,
  options: RoleOptions,
): WithRequestRole {
  return async function withRequestRole<T>(
    identity: RequestRole,
    fn: (trx: Kysely<DB>) => Promise<T>,
    txOptions: RequestTxOptions = {},
  ): Promise<T> {
    const settings = requestSettings(identity, options, txOptions)
    const preamble =
      `${beginText(txOptions.readOnly)};` +
      `select ${settings.map(([k, v]) => `set_config(${quoteLiteral(k)}, ${quoteLiteral(v)}, true)`).join(', ')}`

    return db.connection().execute(async (conn) => {
      let result: T
      try {
        // Inside the try: a failed preamble leaves an aborted transaction that must be rolled
        // back before the connection goes back to the pool.
        await sql.raw(preamble).execute(conn)
        result = await fn(conn)
      } catch (err) {
        await sql.raw('rollback').execute(conn).catch(() => undefined)
        throw err
      }
      await sql.raw(txOptions.rollback ? 'rollback' : 'commit').execute(conn)
      return result
    })
  }
}

/** `select set_config($1, $2, true), ...` for n (name, value) pairs: built once per n, not per request. */
const setConfigTexts: string[] = []
function setConfigText(pairs: number): string {
  return (setConfigTexts[pairs] ??= `select ${Array.from({ length: pairs }, (_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`)
}

export type RunStatement = (
  identity: RequestRole,
  /** `name`: prepare it under this name on each connection (same name, same text, always). */
  statement: { text: string; values: unknown[]; name?: string | undefined },
  options?: RequestTxOptions,
) => Promise<Record<string, unknown>[]>

/**
 * The one-statement form of withRequestRole, in ONE round trip instead of three: BEGIN, the
 * set_config of role/claims/statement_timeout (as bound parameters), the statement and COMMIT
 * are pipelined (see pipeline.ts). Same transaction semantics; used by the data API, whose
 * requests are one statement each. A connection that is not idle afterwards is destroyed rather
 * than returned to the pool, so a role can never outlive its request.
 */
export function createRunStatement(
  pool: pg.Pool,
  options: RoleOptions,
): RunStatement {
  return async (identity, statement, txOptions = {}) => {
    const settings = requestSettings(identity, options, txOptions).flat()
    const pairs = settings.length / 2
    const client = await pool.connect()
    let broken = false
    try {
      const rows = await runPipeline(client, [
        { text: beginText(txOptions.readOnly), values: [], name: txOptions.readOnly ? 'floe_begin_ro' : 'floe_begin' },
        { text: setConfigText(pairs), values: settings, name: `floe_set_config_${pairs}` },
        { text: statement.text, values: statement.values, wantRows: true, ...(statement.name !== undefined && { name: statement.name, cached: true }) },
        { text: txOptions.rollback ? 'rollback' : 'commit', values: [], name: txOptions.rollback ? 'floe_rollback' : 'floe_commit' },
      ])
      return rows[2] ?? []
    } catch (err) {
      // Always: an error leaves the explicit transaction aborted (or, after a failed COMMIT, ended:
      // then ROLLBACK only warns). Queued by node-postgres behind the batch's ReadyForQuery.
      await client.query('rollback').catch(() => (broken = true))
      throw err
    } finally {
      client.release(broken || transactionStatus(client) !== 'I' ? new Error('connection not idle after a request') : undefined)
    }
  }
}

/** Both forms of the per-request transaction over one database, with the same role allowlist. */
export function createRequestTransactions(
  database: { db: Kysely<DB>; pool: pg.Pool },
  options: RoleOptions,
): { withRequestRole: WithRequestRole; runStatement: RunStatement } {
  return { withRequestRole: createWithRequestRole(database.db, options), runStatement: createRunStatement(database.pool, options) }
}
