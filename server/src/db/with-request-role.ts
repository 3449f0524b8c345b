import { sql, type Kysely } from 'kysely'
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
  options: { allowedRoles: ReadonlySet<string>; statementTimeoutMs: number },
): WithRequestRole {
  return async function withRequestRole<T>(
    identity: RequestRole,
    fn: (trx: Kysely<DB>) => Promise<T>,
    txOptions: RequestTxOptions = {},
  ): Promise<T> {
    if (!ROLE_NAME.test(identity.role) || !options.allowedRoles.has(identity.role)) {
      throw new Error(`role ${JSON.stringify(identity.role)} is not in the allowed set`)
    }
    const settings: [string, string][] = [
      ['role', identity.role],
      ['request.jwt.claims', JSON.stringify(identity.claims)],
      ['statement_timeout', String(options.statementTimeoutMs)],
      ...Object.entries(txOptions.settings ?? {}),
    ]
    const preamble =
      `begin isolation level read committed${txOptions.readOnly ? ' read only' : ''};` +
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

/**
 * Privileged work outside any caller's rules, named by a reason so every use is easy to grep
 * and review. Runs as the server's own role in one transaction.
 */
export function createWithServiceRole(db: Kysely<DB>) {
  return <T>(reason: string, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> => {
    void reason
    return db.transaction().execute(fn)
  }
}
