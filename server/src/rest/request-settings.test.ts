import { describe, expect, it } from 'vitest'
import { apiPath, parseCookies, requestSettings } from './request-settings.js'

describe('request settings for SQL', () => {
  it('sets method, path, headers (lower case, without Cookie) and cookies as JSON', () => {
    const headers = new Headers({ 'X-Custom': 'a', Cookie: 'k=v; other=x=y', Accept: '*/*' })
    expect(requestSettings('GET', '/films', headers)).toEqual({
      'request.method': 'GET',
      'request.path': '/films',
      'request.headers': '{"accept":"*/*","x-custom":"a"}',
      'request.cookies': '{"k":"v","other":"x=y"}',
    })
    expect(requestSettings('GET', '/films', new Headers())['request.cookies']).toBe('{}')
  })

  it('parses cookies as Web.Cookie: spaces before names dropped, a bare name has an empty value, the last repeat wins', () => {
    expect(parseCookies('a=1;  b=2; c; a=3')).toEqual({ a: '3', b: '2', c: '' })
  })

  it('gives the path under /rest/v1, as sent', () => {
    expect(apiPath('/rest/v1/films', 'table')).toBe('/films')
    expect(apiPath('/rest/v1/rpc/add', 'rpc')).toBe('/rpc/add')
    expect(apiPath('/rest/v1/caf%C3%A9/', 'table')).toBe('/caf%C3%A9')
  })
})
