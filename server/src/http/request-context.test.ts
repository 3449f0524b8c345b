import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../log.js'
import { logRequest } from './request-context.js'

/** The access-log lines `logRequest` writes through a real logger at `level`. */
function linesAt(level: string, requests: { path: string; status: number }[]): { path: string; status: number; level: number; msg: string }[] {
  const out: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk.toString())
      done()
    },
  })
  const log = createLogger(level, sink)
  for (const r of requests) logRequest(log, { method: 'GET', path: r.path, status: r.status, started: performance.now(), role: undefined })
  return out.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { path: string; status: number; level: number; msg: string })
}

describe('the access log', () => {
  const requests = [
    { path: '/health', status: 200 },
    { path: '/ready', status: 200 },
    { path: '/ready', status: 503 },
    { path: '/rest/v1/todos', status: 200 },
    { path: '/rest/v1/todos', status: 500 },
  ]

  it('leaves answered health probes out at info, and keeps failed ones and everything else', () => {
    expect(linesAt('info', requests).map((l) => [l.path, l.status, l.msg])).toEqual([
      ['/ready', 503, 'request unavailable'],
      ['/rest/v1/todos', 200, 'request'],
      ['/rest/v1/todos', 500, 'request failed'],
    ])
  })

  it('writes the answered probes at debug', () => {
    expect(linesAt('debug', requests).map((l) => [l.path, l.status, l.level])).toEqual([
      ['/health', 200, 20],
      ['/ready', 200, 20],
      ['/ready', 503, 40],
      ['/rest/v1/todos', 200, 30],
      ['/rest/v1/todos', 500, 50],
    ])
  })
})
