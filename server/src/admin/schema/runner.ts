/**
 * How every schema change runs. The plan is built inside the change's transaction (names, types
 * and expressions checked against the database); a dry run answers its SQL and rolls back; a real
 * run executes exactly those statements, one at a time through the extended protocol (which
 * refuses a second command in one statement), writes one audit entry, reads back the object it
 * left and commits. Any failure rolls the whole transaction back: nothing half-done, no entry.
 */
import type { WithOwner } from '../../db/index.js'
import type { Identity } from '../../http/index.js'
import { recordAudit } from '../audit.js'
import { run, type Client } from '../queries.js'
import { schemaError } from './pg-errors.js'

export interface Change<T extends object> {
  /** snake_case verb for the audit log: `create_table` is logged as `schema.create_table`. */
  action: string
  /** What it acts on, e.g. `public.todos`. */
  target: string
  plan(client: Client): Promise<string[]>
  /** The object as the change left it. */
  result(client: Client): Promise<T>
}

export type ChangeAnswer<T extends object> = { sql: string[] } | (T & { sql: string[] })

export type ChangeRunner = <T extends object>(by: Identity, dryRun: boolean, change: Change<T>) => Promise<ChangeAnswer<T>>

export interface RunnerDeps {
  withOwner: WithOwner
  statementTimeoutMs: number
}

/** DDL waits at most this long for a table's lock: a long transaction holding it answers 503, not a hang. */
const LOCK_TIMEOUT_MS = 5000

export function createChangeRunner(deps: RunnerDeps): ChangeRunner {
  return async (by, dryRun, change) => {
    try {
      return await deps.withOwner(
        `admin: schema ${change.action}${dryRun ? ' (dry run)' : ''}`,
        async ({ client }) => {
          const sql = await change.plan(client)
          if (dryRun) return { sql }
          for (const statement of sql) {
            await run(client, statement).catch((err: unknown) => Promise.reject(schemaError(err, statement)))
          }
          if (sql.length > 0) {
            await recordAudit(client, by, { action: `schema.${change.action}`, target: change.target, sql: sql.map((s) => `${s};`).join('\n') })
          }
          return { ...(await change.result(client)), sql }
        },
        { statementTimeoutMs: deps.statementTimeoutMs, lockTimeoutMs: LOCK_TIMEOUT_MS, rollback: dryRun },
      )
    } catch (err) {
      throw schemaError(err)
    }
  }
}

/** A read in a transaction that always rolls back (the exact row counts wait for no lock either). */
export function createReader(deps: RunnerDeps) {
  return <T>(what: string, fn: (client: Client) => Promise<T>): Promise<T> =>
    deps
      .withOwner(`admin: schema ${what}`, ({ client }) => fn(client), {
        rollback: true,
        readOnly: true,
        statementTimeoutMs: deps.statementTimeoutMs,
        lockTimeoutMs: LOCK_TIMEOUT_MS,
      })
      .catch((err: unknown) => Promise.reject(schemaError(err)))
}
export type Reader = ReturnType<typeof createReader>
