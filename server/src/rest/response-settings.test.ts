import { describe, expect, it } from 'vitest'
import { applyResponseSettings, parseGucHeaders, parseGucStatus } from './response-settings.js'

const base = { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Range': '0-0/*' }, body: '[1]' }

describe('response settings from SQL', () => {
  it('leaves the response alone when SQL set nothing', () => {
    expect(applyResponseSettings(base, null, null)).toBe(base)
  })

  it('replaces same-named headers whatever their case, keeps the others, and repeats a name', () => {
    const r = applyResponseSettings(base, '[{"content-type":"text/plain"},{"Set-Cookie":"a=1"},{"Set-Cookie":"b=2"}]', null)
    expect(r.headers).toEqual({ 'Content-Range': '0-0/*', 'content-type': 'text/plain', 'Set-Cookie': ['a=1', 'b=2'] })
  })

  it('overrides the status; a status without a body drops the body', () => {
    expect(applyResponseSettings(base, null, '403').status).toBe(403)
    expect(applyResponseSettings(base, null, '204')).toMatchObject({ status: 204, body: null })
  })

  it.each(['{"X-Test": "x"}', '["a"]', '[{"a":"1","b":"2"}]', '[{"a":1}]', 'not json'])('refuses headers %s (PGRST111)', (raw) => {
    expect(() => parseGucHeaders(raw)).toThrow(expect.objectContaining({ code: 'PGRST111', status: 500 }))
  })

  it('reads the leading digits of a status, as PostgREST, and refuses what HTTP cannot answer', () => {
    expect(parseGucStatus('205')).toBe(205)
    expect(parseGucStatus('418abc')).toBe(418)
    for (const bad of ['bad', '', ' 200', '99', '101', '600']) expect(() => parseGucStatus(bad)).toThrow(expect.objectContaining({ code: 'PGRST112' }))
  })
})
