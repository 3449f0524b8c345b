import { describe, expect, it } from 'vitest'
import { ApiError } from './api-error.js'
import { renderError } from './render-error.js'

describe('renderError', () => {
  it('writes status, the error headers with the JSON content type, and the body text', () => {
    const e = new ApiError('RATE_LIMITED', { hint: 'slow down', headers: { 'Retry-After': '7' } })
    expect(renderError(e)).toEqual({
      status: 429,
      headers: { 'Retry-After': '7', 'Content-Type': 'application/json; charset=utf-8' },
      body: '{"code":"RATE_LIMITED","message":"Too many requests","details":null,"hint":"slow down"}',
    })
  })

  it('maps anything thrown through toApiError, with the role', () => {
    const denied = Object.assign(new Error('permission denied for table t'), { code: '42501', severity: 'ERROR' })
    expect(renderError(denied).status).toBe(401)
    expect(renderError(denied).headers['WWW-Authenticate']).toBe('Bearer')
    expect(renderError(denied, 'authenticated').status).toBe(403)
    expect(renderError(new Error('secret')).body).toBe('{"code":"INTERNAL","message":"Internal error","details":null,"hint":null}')
  })

  it('keeps JSON details (PGRST201) as JSON', () => {
    const e = new ApiError('PGRST201', { message: 'm', details: [{ cardinality: 'one-to-many' }] })
    expect(renderError(e)).toMatchObject({ status: 300, body: '{"code":"PGRST201","message":"m","details":[{"cardinality":"one-to-many"}],"hint":null}' })
  })
})
