/**
 * Postgres' verdict on a change an admin asked for. DDL from admin input fails for the input's
 * sake (a duplicate name, a bad type or expression, data the change does not fit), so each is an
 * answer naming Postgres' message, never a 500; what is not the input's (a lost connection, a
 * timeout) passes through to the shared mapper.
 */
import { ApiError, isPgError, type ErrorCode, type PgError } from '../../errors/index.js'


function codeFor(err: PgError): ErrorCode | undefined {
  switch (err.code) {
    case '42P07': // duplicate_table
    case '42701': // duplicate_column
    case '42710': // duplicate_object (type, constraint, enum label)
      return 'SCHEMA_EXISTS'
    case '2BP01': // dependent_objects_still_exist
      return 'SCHEMA_CONFLICT'
    case '42704': // undefined_object
      return /\btype\b/.test(err.message) ? 'SCHEMA_UNKNOWN_TYPE' : 'SCHEMA_REJECTED'
  }
  if (err.code.startsWith('23')) return 'SCHEMA_CONFLICT' // the rows do not fit (not null, unique, key)
  // syntax, names, types, definitions (42P16: a second primary key), feature support, object state
  if (/^(42|22|0A|2B|55|428)/.test(err.code) && err.code !== '55P03') return 'SCHEMA_REJECTED'
  return undefined
}

const CASCADE_HINT = 'Drop the dependent objects first, or pass ?cascade=true (drop table, column, primary key, enum) to drop them too'

/** The statement (one line) and where in it Postgres stopped, when it says. */
function where(err: PgError, statement: string | undefined): string | null {
  const at = err.position ? Number(err.position) : undefined
  if (statement === undefined) return err.detail ?? null
  const pointer = at !== undefined ? ` (at character ${at}: ${JSON.stringify(statement.slice(Math.max(0, at - 1), at + 30))})` : ''
  return `${err.detail ? err.detail + '. ' : ''}While running: ${statement}${pointer}`
}

export function schemaError(err: unknown, statement?: string): unknown {
  if (!isPgError(err)) return err
  // lock_timeout: a long transaction holds the table; the admin may simply retry.
  if (err.code === '55P03') return new ApiError('SERVICE_UNAVAILABLE', { details: 'The object is locked by another transaction', hint: 'Retry shortly', cause: err })
  const code = codeFor(err)
  if (!code) return err
  // Postgres' own hint names DROP ... CASCADE, which this API spells as a query flag.
  const hint = err.code === '2BP01' && (err.hint === undefined || /CASCADE/.test(err.hint)) ? CASCADE_HINT : (err.hint ?? null)
  return new ApiError(code, { message: `Postgres rejected the change: ${err.message}`, details: where(err, statement), hint, cause: err })
}

/** A bad expression the admin wrote (default, USING), named with Postgres' own message. */
export function expressionError(err: unknown, what: string, expression: string, offset = 0): unknown {
  if (err instanceof ApiError || !isPgError(err)) return err
  const at = err.position ? Number(err.position) - offset : 0
  const position = at > 0 && at <= expression.length + 1 ? `At character ${at} of the ${what}` : null
  return new ApiError('SCHEMA_INVALID_EXPRESSION', {
    message: `Postgres rejected the ${what} ${JSON.stringify(expression)}: ${err.message}`,
    details: [err.detail, position].filter(Boolean).join('. ') || null,
    hint: err.hint ?? 'Write one SQL expression, e.g. now() or \'todo\'',
    cause: err,
  })
}
