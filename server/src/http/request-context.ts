import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../log.js'
import type { AppEnv } from './context.js'

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * Gives every request an id (a sane incoming X-Request-Id is kept, for tracing through a proxy),
 * a child logger carrying it, and one access-log line when it ends. The query string is left out
 * of the log: it may carry tokens.
 */
export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id')
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID()
    const child = log.child({ reqId: requestId })
    c.set('requestId', requestId)
    c.set('log', child)
    c.header('X-Request-Id', requestId)
    const started = performance.now()
    await next()
    const ms = Math.round((performance.now() - started) * 10) / 10
    const status = c.res.status
    const line = { method: c.req.method, path: c.req.path, status, ms, role: c.var.identity?.role }
    if (status === 500) child.error(line, 'request failed')
    else if (status > 500) child.warn(line, 'request unavailable')
    else child.info(line, 'request')
  }
}
