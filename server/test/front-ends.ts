/**
 * For the tests that send the same requests through both front ends (the Hono app and a Node
 * fast path in front of it) and compare what comes back: the response without what differs by
 * transport, and the access-log line of a request.
 */
import { Writable } from 'node:stream'
import { expect } from 'vitest'

/** Headers that differ by transport or per request, not by front end. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'x-request-id'])

export async function snapshot(res: Response, body: (text: string) => string = (text) => text) {
  const headers = Object.fromEntries(
    [...res.headers]
      .filter(([k]) => !TRANSPORT.has(k))
      // Seconds left in the rate-limit window: the two requests may straddle a second's edge.
      .map(([k, v]) => [k, k === 'ratelimit-reset' && /^\d+$/.test(v) ? '<seconds>' : v])
      .sort(([a], [b]) => a!.localeCompare(b!)),
  )
  return { status: res.status, headers, body: body(await res.text()) }
}

/** A log destination that keeps every line, and the access-log line of one request by its id. */
export function accessLog() {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), cb()) })
  return {
    sink,
    lines,
    /** Without what varies per request (time, pid, host, id, duration). */
    lineOf(id: string | null) {
      const line = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('request') && 'status' in l && l.reqId === id)
      expect(line, `an access-log line for request ${id}`).toBeDefined()
      if (!line) return undefined
      const { time: _time, pid: _pid, hostname: _host, reqId: _id, ms, ...rest } = line
      expect(typeof ms).toBe('number')
      return rest
    },
  }
}
