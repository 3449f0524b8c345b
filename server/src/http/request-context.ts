import type { Logger } from '../log.js'

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** A sane incoming X-Request-Id, else a new one. */
export function incomingRequestId(incoming: string | undefined): string {
  return incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID()
}

/** Health probes: a load balancer or Docker asks every few seconds; an answered one is logged at debug. */
const PROBES = new Set(['/health', '/ready'])

/** The access-log line of a finished request (path only: the query string may carry tokens). */
export function logRequest(log: Logger, r: { method: string; path: string; status: number; started: number; role: string | undefined }): void {
  const line = { method: r.method, path: r.path, status: r.status, ms: Math.round((performance.now() - r.started) * 10) / 10, role: r.role }
  if (r.status === 500) log.error(line, 'request failed')
  else if (r.status > 500) log.warn(line, 'request unavailable')
  else if (r.status < 300 && PROBES.has(r.path)) log.debug(line, 'request')
  else log.info(line, 'request')
}
