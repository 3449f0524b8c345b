/**
 * Postgres' verdict on the admin's script, as the runner answers it: always a 400 (the script is
 * the admin's input; a 500 would blame the server), with the SQLSTATE and where the error is.
 */
import { ApiError, isPgError } from '../../errors/index.js'
import { COPY_FROM_STDIN_REFUSED } from './collector.js'
import { locate, type ScriptStatement } from './script.js'


/** Where the error points: Postgres' 1-based character position, its line and column, and the statement's number. */
function whereInScript(query: string, statements: readonly ScriptStatement[], position: string | undefined) {
  const pos = position === undefined ? NaN : Number(position)
  if (!Number.isInteger(pos) || pos < 1) return { position: null, line: null, column: null, statement: null }
  const at = locate(query, pos)
  const index = statements.findIndex((s) => at.offset <= s.end)
  return { position: pos, line: at.line, column: at.column, statement: index < 0 ? null : index + 1 }
}

export interface ScriptContext {
  query: string
  statements: readonly ScriptStatement[]
  timeoutMs: number
}

/**
 * The ApiError for a database error raised by the script, or undefined for anything else (rethrown
 * as is). `cancelledAtDeadline`: the runner cancelled it (57014 "due to user request") for its timeout.
 */
export function scriptError(err: unknown, ctx: ScriptContext, cancelledAtDeadline = false): ApiError | undefined {
  if (!isPgError(err)) return undefined
  if (err.code === '57014' && (cancelledAtDeadline || /statement timeout/.test(err.message))) {
    return new ApiError('SQL_TIMEOUT', {
      message: `The script ran longer than its timeout (${ctx.timeoutMs} ms) and was cancelled; nothing it did was kept`,
      details: [{ sqlstate: err.code, timeout_ms: ctx.timeoutMs }],
      hint: 'Raise timeout_ms, or narrow the query (a where clause, a limit)',
      cause: err,
    })
  }
  const copyRefused = err.message.includes(COPY_FROM_STDIN_REFUSED)
  return new ApiError('SQL_ERROR', {
    message: copyRefused ? `${COPY_FROM_STDIN_REFUSED}; use INSERT ... VALUES, or COPY from a server file` : err.message,
    details: [
      {
        sqlstate: err.code,
        severity: err.severity,
        ...whereInScript(ctx.query, ctx.statements, err.position),
        detail: err.detail ?? null,
        hint: err.hint ?? null,
        where: err.where ?? null,
        internal_query: err.internalQuery ?? null,
        internal_position: err.internalPosition === undefined ? null : Number(err.internalPosition),
        schema: err.schema ?? null,
        table: err.table ?? null,
        column_name: err.column ?? null,
        constraint: err.constraint ?? null,
      },
    ],
    hint: err.hint ?? null,
    cause: err,
  })
}

/** A statement that would end the runner's transaction, refused before anything runs. */
export function transactionControlError(query: string, statement: ScriptStatement, index: number): ApiError {
  const position = [...query.slice(0, statement.wordAt)].length + 1
  const { line, column } = locate(query, position)
  return new ApiError('SQL_TRANSACTION_CONTROL', {
    details: [{ statement: index + 1, keyword: statement.words.join(' '), position, line, column }],
    hint: 'Leave out BEGIN / COMMIT / ROLLBACK / SAVEPOINT: the whole script commits when every statement succeeds and rolls back otherwise (read_only: true for a read-only transaction)',
  })
}
