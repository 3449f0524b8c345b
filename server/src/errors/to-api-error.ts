import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ApiError } from './api-error.js'
import { pgrstRaised, ptStatus } from './raised.js'

/** A pg DatabaseError (what Postgres said), narrowed without importing pg here. */
export interface PgError {
  /** The SQLSTATE. */
  code: string
  message: string
  severity?: string | undefined
  detail?: string | undefined
  hint?: string | undefined
  /** 1-based character offset into the statement, as text. */
  position?: string | undefined
  internalPosition?: string | undefined
  internalQuery?: string | undefined
  where?: string | undefined
  schema?: string | undefined
  table?: string | undefined
  column?: string | undefined
  constraint?: string | undefined
}

/** An error Postgres raised (as opposed to one of the client, the pool or the network). */
export function isPgError(err: unknown): err is PgError {
  return (
    typeof err === 'object' && err !== null && 'severity' in err &&
    typeof (err as { code?: unknown }).code === "string" && /^[0-9A-Z]{5}$/.test((err as unknown as { code: string }).code)
  )
}

const hasSqlState = (err: unknown, code: string): boolean => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code

/** A write that hit a unique constraint (23505): services turn it into their own "already exists". */
export const isUniqueViolation = (err: unknown): boolean => hasSqlState(err, '23505')
/** A write that named a row that does not exist through a foreign key (23503). */
export const isForeignKeyViolation = (err: unknown): boolean => hasSqlState(err, '23503')

/** Errors of the pg client and pool when the connection failed or was cut (they carry no SQLSTATE). */
const PG_CONNECTION_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/
/** Socket-level failures: whatever service it was is unreachable, not the request at fault. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
const UNAVAILABLE = { database: 'DATABASE_UNAVAILABLE', storage: 'STORAGE_UNAVAILABLE' } as const
const failedAt = new WeakMap<object, keyof typeof UNAVAILABLE>()

/**
 * The database pool and the object store mark what failed on their way out, so an unreachable
 * one is named in the 503 (a socket error alone does not say whose socket it was).
 */
export function markServiceFailure(err: unknown, service: keyof typeof UNAVAILABLE): unknown {
  if (typeof err === 'object' && err !== null && !failedAt.has(err)) failedAt.set(err, service)
  return err
}

function unavailable(err: unknown): ApiError | undefined {
  if (!(err instanceof Error)) return undefined
  if (PG_CONNECTION_MESSAGE.test(err.message)) return new ApiError('DATABASE_UNAVAILABLE', { cause: err })
  const errno = (err as { code?: unknown }).code
  if (typeof errno !== 'string' || !CONNECTION_ERRNOS.has(errno)) return undefined
  const service = failedAt.get(err)
  return new ApiError(service ? UNAVAILABLE[service] : 'SERVICE_UNAVAILABLE', { cause: err })
}

/**
 * SQLSTATE → HTTP status, as PostgREST maps them (Error.hs, mapSQLtoHTTP). The only place that
 * knows SQLSTATEs. `role` decides 42501 (insufficient privilege): 401 for anon, 403 otherwise;
 * `message` tells pg-safeupdate's 21000 and a JWT's unknown role (22023) apart.
 */
export function statusForSqlState(code: string, role: string, message = ''): ContentfulStatusCode {
  switch (code) {
    case '21000': // cardinality_violation: the schema's fault (a subquery returning two rows), but
      // pg-safeupdate's refusal of an unfiltered write is the request's.
      return message.endsWith('requires a WHERE clause') ? 400 : 500
    case '22023': // invalid_parameter_value; `role "x" does not exist` is a token naming no role
      return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400
    case '42P17': // infinite_recursion (a policy that reads its own table)
      return 500
    case '23503': // foreign_key_violation
    case '23505': // unique_violation
    case '40001': // serialization_failure
      return 409
    case '42501':
      return role === 'anon' ? 401 : 403
    case '25006': // read_only_sql_transaction
      return 405
    case '42883': // undefined_function (xmlagg: no XML aggregate for the media type asked for)
      return message.startsWith('function xmlagg(') ? 406 : 404
    case '42P01': // undefined_table
      return 404
    case '57014': // query_canceled (statement_timeout)
      return 504
    case '53400': // configuration_limit_exceeded
    case '53300': // too_many_connections
    case '57P01': // admin_shutdown
    case '57P02': // crash_shutdown
    case '57P03': // cannot_connect_now (starting up, shutting down, in recovery)
      return 503
    case 'P0001': // raise_exception
      return 400
    // Floe departs from PostgREST (500) where the cause is the request itself, since a 500 from
    // user input is a bug: writing to a view Postgres cannot write through, and input that hits a
    // program limit (JSON nested too deep, too many columns, a value too large for an index).
    case '55000': // object_not_in_prerequisite_state: "cannot insert into view"
      return 405
    case '54000': // program_limit_exceeded
    case '54001': // statement_too_complex (stack depth)
    case '54011': // too_many_columns
    case '54023': // too_many_arguments
      return 400
  }
  const cls = code.slice(0, 2)
  if (cls === 'PT') return ptStatus(code) ?? 500 // RAISE SQLSTATE 'PTxyz': status xyz
  if (cls === '08') return 503 // connection exception
  if (cls === '09') return 500 // triggered action exception
  if (cls === '0L' || cls === '0P') return 403 // invalid grantor / role specification
  if (cls === '22' || cls === '23') return 400 // data exception, integrity constraint
  if (cls === '28') return 403 // invalid authorization specification
  if (cls === '25' || cls === '38' || cls === '39' || cls === '3B') return 500 // transaction state, external routine, savepoint
  if (cls === '2D' || cls === '40' || cls === '53' || cls === '54' || cls === '55') return 500
  if (cls === '42') return 400 // syntax error or access rule violation
  if (cls === 'P0') return 500
  if (cls === 'XX' || cls === '58' || cls === 'F0' || cls === 'HV' || cls === '57') return 500
  return 400
}

const GRANTS: Record<string, string> = {
  table: 'select, insert, update, delete on table',
  view: 'select on',
  'materialized view': 'select on',
  sequence: 'usage, select on sequence',
  schema: 'usage on schema',
  function: 'execute on function',
}

/**
 * A 42501 "permission denied for <kind> <name>" is a missing grant, not a rule: the hint names
 * the grant (a database whose tables predate Floe is the usual cause, see the README's "Using
 * your own services"). Row-level security still decides which rows once the grant exists.
 */
function grantHint(message: string, role: string): string | undefined {
  const m = /^permission denied for (table|view|materialized view|sequence|schema|function) (.+)$/.exec(message)
  if (!m) return undefined
  const ident = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`)
  return `Role ${role} has no privilege on ${m[1]} ${m[2]}: grant ${GRANTS[m[1]!]} ${ident(m[2]!)} to ${ident(role)}` +
    (m[1] === 'table' ? ' (with row-level security on, rules then decide which rows)' : '')
}

/**
 * 500s whose body is still sent, as PostgREST sends it: the status was chosen by the function
 * (`PTxyz`), or the error is the schema's own and its text names only the user's objects
 * (cardinality, infinite recursion in a policy). Every other 500 is Floe's or the server's, and
 * its text stays in the log.
 */
const isSchemaError = (code: string) => code === '21000' || code === '42P17' || code.startsWith('PT')

/** Turns anything thrown into an ApiError. A 500 carries no stack, SQL or driver text. */
export function toApiError(err: unknown, role = 'anon'): ApiError {
  if (err instanceof ApiError) return err
  if (isPgError(err)) {
    if (err.code === 'PGRST') return pgrstRaised(err.message, err.detail, err)
    const status = statusForSqlState(err.code, role, err.message)
    if (status === 503) return new ApiError('DATABASE_UNAVAILABLE', { cause: err })
    if (status >= 500 && err.code !== '57014' && !isSchemaError(err.code)) {
      return new ApiError('INTERNAL', { cause: err })
    }
    return new ApiError({ passThrough: err.code, status }, {
      message: err.message,
      details: err.detail ?? null,
      hint: err.hint ?? (err.code === '42501' ? grantHint(err.message, role) : undefined) ?? null,
      cause: err,
      // PostgREST: an anonymous request refused by a privilege is told to authenticate.
      ...(status === 401 && { headers: { 'WWW-Authenticate': 'Bearer' } }),
    })
  }
  if (err instanceof HTTPException) {
    if (err.status === 413) return new ApiError('PAYLOAD_TOO_LARGE', { cause: err })
    if (err.status === 504 || err.status === 408) return new ApiError('TIMEOUT', { cause: err })
    if (err.status === 401) return new ApiError('UNAUTHENTICATED', { cause: err })
    if (err.status === 403) return new ApiError('FORBIDDEN', { cause: err })
    if (err.status === 404) return new ApiError('NOT_FOUND', { cause: err })
    if (err.status === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', { message: err.message || undefined, cause: err })
    // Hono's body validator: a body that is not JSON at all is INVALID_JSON (GoTrue's bad_json).
    if (err.status === 400 && /malformed json/i.test(err.message)) return new ApiError('INVALID_JSON', { details: err.message, cause: err })
    if (err.status === 400) return new ApiError('INVALID_INPUT', { message: err.message || undefined, cause: err })
  }
  if (err instanceof SyntaxError && /JSON/i.test(err.message)) {
    return new ApiError('INVALID_JSON', { details: err.message, cause: err })
  }
  return unavailable(err) ?? new ApiError('INTERNAL', { cause: err })
}
