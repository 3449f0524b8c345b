/**
 * The SQL runner: an admin's script, every statement in ONE transaction on one connection, as the
 * owner or as a request role with given claims (so row-level rules decide and `auth.uid()` works).
 * The script commits when every statement succeeds and leaves nothing behind otherwise. Each run
 * is audited: in the script's own transaction when it writes, in a small one of its own when it
 * was read-only or failed (its transaction then rolled back, entry included).
 */
import type pg from 'pg'
import { ApiError } from '../../errors/index.js'
import type { Identity } from '../../http/index.js'
import type { Logger } from '../../log.js'
import { recordAudit } from '../audit.js'
import { run } from '../queries.js'
import type { WithOwner } from '../../db/index.js'
import { collectScript, type RawResult } from './collector.js'
import type { RunSqlBody, RunSqlResponse, SqlNotice, SqlResult } from './schemas.js'
import { scriptError, transactionControlError, type ScriptContext } from './sql-errors.js'
import { findTransactionControl, splitStatements } from './script.js'
import { createTypeNames, type TypeNames } from './type-names.js'

export interface SqlService {
  run(by: Identity, body: RunSqlBody): Promise<RunSqlResponse>
}

/** Cell text kept over a whole response, whatever max_rows allows (about 16 MB of JSON text and up). */
const MAX_RESPONSE_CHARS = 16_000_000
/** The HTTP deadline (REQUEST_TIMEOUT_MS) must not fire first: the admin should hear SQL_TIMEOUT. */
const DEADLINE_MARGIN_MS = 1000

export interface SqlServiceDeps {
  withOwner: WithOwner
  /** The server's REQUEST_TIMEOUT_MS: the HTTP deadline a script's timeout must stay under. */
  statementTimeoutMs: number
  log: Logger
}
type Deps = SqlServiceDeps

export function createSqlService(deps: Deps): SqlService {
  const typeNames = createTypeNames()
  return {
    async run(by, body) {
      const statements = splitStatements(body.query)
      const control = findTransactionControl(statements)
      if (control) throw transactionControlError(body.query, control, statements.indexOf(control))
      const ctx: ScriptContext = { query: body.query, statements, timeoutMs: effectiveTimeout(body.timeout_ms, deps.statementTimeoutMs) }
      const started = performance.now()
      let ran: { results: SqlResult[]; notices: SqlNotice[] }
      try {
        ran = await runScript(deps, typeNames, by, body, ctx)
      } catch (err) {
        const answer = err instanceof ApiError ? err : scriptError(err, ctx)
        await auditAlone(deps, by, body, { error: answer?.code ?? 'INTERNAL', sqlstate: sqlstateOf(answer?.cause ?? err), duration_ms: elapsed(started) }).catch((auditErr: unknown) =>
          deps.log.warn({ err: auditErr }, 'sql runner: could not audit a failed script'),
        )
        throw answer ?? err
      }
      const duration_ms = elapsed(started)
      if (body.read_only) await auditAlone(deps, by, body, { results: ran.results.length, duration_ms })
      return { ...ran, duration_ms }
    },
  }
}

function effectiveTimeout(requested: number, serverMs: number): number {
  return Math.max(100, Math.min(requested, serverMs - DEADLINE_MARGIN_MS))
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10

const sqlstateOf = (err: unknown): string | null =>
  typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : null

async function runScript(deps: Deps, typeNames: TypeNames, by: Identity, body: RunSqlBody, ctx: ScriptContext) {
  return deps.withOwner(
    `admin: sql runner as ${body.role}`,
    async ({ client }) => {
      const notices = collectNotices(client)
      if (body.role !== 'owner') await actAs(client, body.role, body.claims)
      const raw = await withScriptDeadline(deps, client, ctx, () => collectScript(client, body.query, { maxRows: body.max_rows, maxChars: MAX_RESPONSE_CHARS }))
      const results = await withTypeNames(client, typeNames, raw)
      if (!body.read_only) {
        // Back to the owner for the entry, whatever role or session user the script switched to:
        // the request roles may not write the audit log. Both are SET LOCAL, undone at COMMIT.
        await client.query('set local session authorization default; set local role none')
        await recordAudit(client, by, { action: 'sql.run', ...auditEntry(body, { results: results.length }) })
      }
      return { results, notices }
    },
    // The script may change its session for good: SET without LOCAL, LISTEN, PREPARE /
    // DEALLOCATE (the data API's prepared statements live on pooled connections), temp tables,
    // advisory locks. So this connection is never handed back to the pool.
    { statementTimeoutMs: ctx.timeoutMs, readOnly: body.read_only, discard: true },
  )
}

/**
 * statement_timeout bounds each statement (Postgres 13+), not the script: three 10 s statements
 * under a 15 s timeout would outlive the HTTP deadline and then commit unseen. So the script as a
 * whole gets the same budget, cancelled from a second connection when it runs past it. Errors are
 * mapped here, as answers (ApiError below 500), so the door logs the admin's error at debug.
 */
async function withScriptDeadline<T>(deps: Deps, client: pg.PoolClient, ctx: ScriptContext, fn: () => Promise<T>): Promise<T> {
  const pid = (client as unknown as { processID: number | null }).processID
  let cancelled = false
  const timer = setTimeout(() => {
    cancelled = true
    deps
      .withOwner('admin: cancel an sql script past its timeout', ({ client: other }) => run(other, 'select pg_cancel_backend($1)', [pid]))
      .catch((err: unknown) => deps.log.warn({ err }, 'sql runner: could not cancel a script past its timeout'))
  }, ctx.timeoutMs)
  try {
    return await fn()
  } catch (err) {
    throw scriptError(err, ctx, cancelled) ?? err
  } finally {
    clearTimeout(timer)
  }
}

/** Beyond this many, RAISE NOTICE and the like are dropped (a loop raising one per row). */
const MAX_NOTICES = 100

/**
 * Notices and warnings the script raises, in order. The listener stays on the connection, which
 * is never reused (the door's `discard`).
 */
function collectNotices(client: pg.PoolClient): SqlNotice[] {
  const notices: SqlNotice[] = []
  client.on('notice', (n: { severity?: string | undefined; message?: string | undefined }) => {
    if (notices.length < MAX_NOTICES) notices.push({ severity: n.severity ?? 'NOTICE', message: n.message ?? '' })
  })
  return notices
}

/** As with-request-role does: the role and claims for this transaction only. */
async function actAs(client: pg.PoolClient, role: Exclude<RunSqlBody['role'], 'owner'>, claims: Record<string, unknown> | undefined): Promise<void> {
  await run(client, `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [role, JSON.stringify({ ...claims, role })])
}

async function withTypeNames(client: pg.PoolClient, typeNames: TypeNames, raw: RawResult[]): Promise<SqlResult[]> {
  const names = await typeNames(client, raw.flatMap((r) => r.columns.map((c) => c.type_oid)))
  return raw.map((r) => ({ ...r, columns: r.columns.map((c) => ({ name: c.name, type: names.get(c.type_oid) ?? String(c.type_oid), type_oid: c.type_oid })) }))
}

function auditEntry(body: RunSqlBody, details: Record<string, unknown>) {
  const sub = typeof body.claims?.sub === 'string' ? body.claims.sub : undefined
  return {
    target: body.role,
    sql: body.query,
    details: { role: body.role, read_only: body.read_only, ...(sub !== undefined && { claims_sub: sub }), ...details },
  }
}

/** The entry of a run whose own transaction could not hold it (read-only, or rolled back). */
async function auditAlone(deps: Deps, by: Identity, body: RunSqlBody, details: Record<string, unknown>): Promise<void> {
  const failed = 'error' in details
  await deps.withOwner(`admin: audit sql runner (${failed ? 'failed' : 'read only'})`, ({ client }) =>
    recordAudit(client, by, { action: failed ? 'sql.run_failed' : 'sql.run', ...auditEntry(body, details) }),
  )
}
