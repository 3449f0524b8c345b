import { HTTPException } from 'hono/http-exception'
import { describe, expect, it } from 'vitest'
import { ApiError } from './api-error.js'
import { markServiceFailure, toApiError } from './to-api-error.js'

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code, severity: 'ERROR', detail: 'd', hint: 'h' })

describe('toApiError', () => {
  it.each([
    ['23505', 'anon', 409],
    ['23503', 'anon', 409],
    ['23502', 'anon', 400],
    ['22P02', 'anon', 400],
    ['23514', 'anon', 400],
    ['42501', 'anon', 401],
    ['42501', 'authenticated', 403],
    ['P0001', 'anon', 400],
    ['55000', 'anon', 405],
    ['54001', 'anon', 400],
    ['54011', 'anon', 400],
  ])('maps SQLSTATE %s for %s to %i with PostgREST-style body', (code, role, status) => {
    const e = toApiError(pgError(code), role)
    expect(e.status).toBe(status)
    expect(e.toBody()).toEqual({ code, message: 'boom', details: 'd', hint: 'h' })
  })

  it.each([
    ['permission denied for table todos', 'service_role', 'grant select, insert, update, delete on table todos to service_role'],
    ['permission denied for table Todo Items', 'anon', 'grant select, insert, update, delete on table "Todo Items" to anon'],
    ['permission denied for sequence todos_id_seq', 'authenticated', 'grant usage, select on sequence todos_id_seq to authenticated'],
    ['permission denied for schema app', 'anon', 'grant usage on schema app to anon'],
    ['permission denied for view v', 'anon', 'grant select on v to anon'],
  ])('names the missing grant of "%s" for %s in the hint', (message, role, grant) => {
    const err = Object.assign(new Error(message), { code: '42501', severity: 'ERROR' })
    const body = toApiError(err, role).toBody()
    expect(body).toMatchObject({ code: '42501', message, details: null })
    expect(body.hint).toContain(grant)
  })

  it('leaves a row-level refusal (42501 without a missing grant) without a grant hint', () => {
    const err = Object.assign(new Error('new row violates row-level security policy for table "t"'), { code: '42501', severity: 'ERROR' })
    expect(toApiError(err, 'authenticated').toBody().hint).toBeNull()
  })

  it('hides internal database failures behind a generic 500', () => {
    const e = toApiError(pgError('XX000', 'could not read block 7 in file "base/1/2"'))
    expect(e.status).toBe(500)
    expect(e.toBody()).toEqual({ code: 'INTERNAL', message: 'Internal error', details: null, hint: null })
  })

  it('never leaks an unknown error', () => {
    const e = toApiError(new Error('secret stack detail'))
    expect(e.toBody()).toEqual({ code: 'INTERNAL', message: 'Internal error', details: null, hint: null })
  })

  it('passes ApiError through and maps HTTP exceptions', () => {
    const a = new ApiError('FORBIDDEN')
    expect(toApiError(a)).toBe(a)
    expect(toApiError(new HTTPException(413)).code).toBe('PAYLOAD_TOO_LARGE')
    expect(toApiError(new HTTPException(504)).status).toBe(504)
    expect(toApiError(new HTTPException(415)).code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('answers 503 when the database or another service is unreachable, never 500', () => {
    const unavailable = { code: 'DATABASE_UNAVAILABLE', message: 'The database is unreachable; retry shortly', details: null, hint: null }
    for (const code of ['08006', '53300', '57P01', '57P03']) expect(toApiError(pgError(code)).toBody()).toEqual(unavailable)
    expect(toApiError(new Error('Connection terminated unexpectedly')).toBody()).toEqual(unavailable)
    expect(toApiError(new Error('timeout exceeded when trying to connect')).status).toBe(503)
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    expect(toApiError(markServiceFailure(refused(), 'database')).toBody()).toEqual(unavailable)
    expect(toApiError(markServiceFailure(refused(), 'storage')).toBody()).toMatchObject({ code: 'STORAGE_UNAVAILABLE' })
    // Not known to be the database: a 503 all the same, without naming it or the address.
    expect(toApiError(refused()).toBody()).toEqual({ code: 'SERVICE_UNAVAILABLE', message: 'Service unavailable', details: null, hint: null })
  })

  it('sends PostgREST codes with their registered status', () => {
    const e = new ApiError('PGRST116', { message: 'JSON object requested, multiple (or no) rows returned' })
    expect(e.status).toBe(406)
    expect(e.toBody()).toEqual({ code: 'PGRST116', message: 'JSON object requested, multiple (or no) rows returned', details: null, hint: null })
  })

  it('passes foreign codes through with their origin status', () => {
    const e = new ApiError({ passThrough: 'INVALID_EMAIL_OR_PASSWORD', status: 401 }, { message: 'Invalid email or password', headers: { 'Retry-After': '3' } })
    expect([e.status, e.code, e.message, e.headers]).toEqual([401, 'INVALID_EMAIL_OR_PASSWORD', 'Invalid email or password', { 'Retry-After': '3' }])
    expect(toApiError(e)).toBe(e)
  })

  it('adds WWW-Authenticate to an anonymous privilege refusal', () => {
    expect(toApiError(pgError('42501'), 'anon').headers).toEqual({ 'WWW-Authenticate': 'Bearer' })
    expect(toApiError(pgError('42501'), 'authenticated').headers).toEqual({})
  })

  it('maps as PostgREST where the schema is at fault or the function chose the status', () => {
    expect(toApiError(pgError('21000', 'more than one row returned by a subquery used as an expression')).toBody()).toMatchObject({ code: '21000' })
    expect(toApiError(pgError('21000')).status).toBe(500)
    expect(toApiError(pgError('21000', 'UPDATE requires a WHERE clause')).status).toBe(400)
    expect([toApiError(pgError('42P17')).status, toApiError(pgError('42P17')).code]).toEqual([500, '42P17'])
    expect([toApiError(pgError('PT402')).status, toApiError(pgError('PT402')).code]).toEqual([402, 'PT402'])
    expect([toApiError(pgError('PT40A')).status, toApiError(pgError('PT40A')).code]).toEqual([500, 'PT40A'])
    expect(toApiError(pgError('PT204')).status).toBe(500) // an error cannot be answered without a body
    expect(toApiError(pgError('28000')).status).toBe(403)
    expect(toApiError(pgError('38001')).code).toBe('INTERNAL')
    expect(toApiError(pgError('42883', 'function xmlagg(films) does not exist')).status).toBe(406)
  })

  it("reads RAISE SQLSTATE 'PGRST': body from MESSAGE, status and headers from DETAIL", () => {
    const raised = (message: string, detail?: string) => Object.assign(new Error(message), { code: 'PGRST', severity: 'ERROR', ...(detail !== undefined && { detail }) })
    const e = toApiError(raised('{"code":"123","message":"ABC","details":"DEF","hint":"XYZ"}', '{"status":332,"status_text":"S","headers":{"X-Header":"str"}}'))
    expect([e.status, e.headers, e.toBody()]).toEqual([332, { 'X-Header': 'str' }, { code: '123', message: 'ABC', details: 'DEF', hint: 'XYZ' }])
    expect(toApiError(raised('INVALID', '{"status":400,"headers":{}}')).toBody()).toMatchObject({ code: 'PGRST121', details: "Invalid JSON value for MESSAGE: 'INVALID'" })
    expect(toApiError(raised('{"code":"1","message":"m"}')).toBody()).toMatchObject({ code: 'PGRST121', details: 'DETAIL is missing in the RAISE statement' })
    expect(toApiError(raised('{"code":"1","message":"m"}', '{"status":"400","headers":{}}')).status).toBe(500)
    expect(toApiError(raised('{"code":1,"message":"m"}', '{"status":400,"headers":{}}')).code).toBe('PGRST121')
  })
})
