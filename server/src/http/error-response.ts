import { renderError, toApiError, type ErrorDialect } from '../errors/index.js'
import type { Logger } from '../log.js'

export interface ErrorOutcome {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * An error's response for the Hono app's onError and the data API's Node fast path: renderError's
 * status, headers and body, logged here. A 500 is a bug: logged with its cause, never sent.
 * 503/504 are states (jobs off, a timeout): one warn line.
 */
export function errorOutcome(err: unknown, role: string, log: Logger, dialect: ErrorDialect = 'floe'): ErrorOutcome {
  const e = toApiError(err, role)
  if (e.status === 500) log.error({ err, code: e.code }, e.message)
  else if (e.status > 500) log.warn({ code: e.code, status: e.status, ...(e.cause instanceof Error && { reason: e.cause.message }) }, e.message)
  return renderError(e, role, dialect)
}
