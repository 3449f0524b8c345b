import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from './log.js'

describe('createLogger', () => {
  it('redacts secrets wherever they appear in a log line', () => {
    const lines: string[] = []
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) })
    const log = createLogger('info', sink)
    log.info({
      headers: { authorization: 'Bearer eyJsecret', apikey: 'floe_service_abc', cookie: 's=1' },
      config: { jwtSecret: 'jwt-secret-value', databaseUrl: 'postgres://u:pw@h/db', port: 1 },
      password: 'hunter2',
    }, 'x')
    const text = lines.join('')
    for (const secret of ['eyJsecret', 'floe_service_abc', 's=1', 'jwt-secret-value', 'pw@h', 'hunter2']) expect(text).not.toContain(secret)
    expect(JSON.parse(text).config.port).toBe(1)
  })
})
