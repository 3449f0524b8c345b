import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../log.js'
import type { AppEnv } from './context.js'

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** A sane incoming X-Request-Id, else a new one. */
export function incomingRequestId(incoming: string | undefined): string {
  return incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID()
}

/**
 * Gives every request an id (a sane incoming X-Request-Id is kept, for tracing through a proxy),
 * a child logger carrying it, and one access-log line when it ends. The query string is left out
 * of the log: it may carry tokens.
 */
export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = incomingRequestId(c.req.header('x-request-id'))
    const child = log.child({ reqId: requestId })
    c.set('requestId', requestId)
    c.set('log', child)
    c.header('X-Request-Id', requestId)
    const started = performance.now()
    await next()
    logRequest(child, { method: c.req.method, path: c.req.path, status: c.res.status, started, role: c.var.identity?.role })
  }
}

/** The access-log line of a finished request (path only: the query string may carry tokens). */
export function logRequest(log: Logger, r: { method: string; path: string; status: number; started: number; role: string | undefined }): void {
  const line = { method: r.method, path: r.path, status: r.status, ms: Math.round((performance.now() - r.started) * 10) / 10, role: r.role }
  if (r.status === 500) log.error(line, 'request failed')
  else if (r.status > 500) log.warn(line, 'request unavailable')
  else log.info(line, 'request')
}
