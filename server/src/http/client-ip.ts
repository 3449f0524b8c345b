import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

/**
 * The client's IP: the socket's peer, or with TRUST_PROXY the left-most X-Forwarded-For entry.
 * Requests made in-process (app.request in tests) have no socket and count as 'local'.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  return clientIpFrom(c.req.header('x-forwarded-for'), trustProxy, () => peerAddress(c))
}

/** The socket's peer address under the Node server; undefined in-process. */
export function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address
  } catch {
    return undefined
  }
}

/** The same from the raw parts: the X-Forwarded-For header and the socket's peer address. */
export function clientIpFrom(forwardedFor: string | undefined, trustProxy: boolean, peer: () => string | undefined): string {
  if (trustProxy) {
    const first = forwardedFor?.split(',')[0]?.trim()
    if (first) return first
  }
  return peer() ?? 'local'
}
