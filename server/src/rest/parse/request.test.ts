import { describe, expect, it } from 'vitest'
import { ApiError } from '../../errors/index.js'
import { parseRequest, type RequestInput } from './request.js'

const get = (query: string, headers: Record<string, string> = {}) => parseRequest({ method: 'GET', target: 'table', query, headers })

function errorOf(input: Partial<RequestInput> & { query: string }) {
  try {
    parseRequest({ method: 'GET', target: 'table', headers: {}, ...input })
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, ...e.toBody() }
    throw e
  }
  throw new Error('no error')
}

describe('parseRequest: query parameters', () => {
  it('sorts parameters into select, filters (with embed paths), logic, order and ranges', () => {
    const r = get('select=id,actors(name)&id=gt.1&actors.name=like.K*&or=(a.eq.1,b.eq.2)&actors.not.and=(c.eq.3)&order=id.desc&actors.order=name&actors.limit=2&actors.offset=1&limit=10&offset=5')
    expect(r.action).toBe('read')
    expect(r.query.filters).toEqual([
      { path: [], filter: { field: { name: 'id', jsonPath: [] }, negated: false, operation: { kind: 'quant', op: 'gt', value: '1' } } },
      { path: ['actors'], filter: { field: { name: 'name', jsonPath: [] }, negated: false, operation: { kind: 'quant', op: 'like', value: 'K*' } } },
    ])
    expect(r.query.logic.map((l) => [l.path, l.tree.type === 'expr' && l.tree.negated])).toEqual([[[], false], [['actors'], true]])
    expect(r.query.order).toEqual([
      { path: [], terms: [{ field: { name: 'id', jsonPath: [] }, direction: 'desc' }] },
      { path: ['actors'], terms: [{ field: { name: 'name', jsonPath: [] } }] },
    ])
    expect(r.range).toEqual({ offset: 5, limit: 10 })
    expect(r.query.ranges).toEqual([{ path: ['actors'], range: { offset: 1, limit: 2 } }])
  })

  it('decodes like PostgREST: + is a space, ; separates, valueless keys are ignored', () => {
    const r = get('name=eq.a+b;title=eq.x%2Cy&flag')
    expect(r.query.filters.map((f) => f.filter.operation)).toEqual([
      { kind: 'quant', op: 'eq', value: 'a b' },
      { kind: 'quant', op: 'eq', value: 'x,y' },
    ])
  })

  it('defaults select to * and keeps a canonical, sorted query string', () => {
    const r = get('b=eq.2&a=eq.1')
    expect(r.query.select).toEqual([{ type: 'field', field: { name: '*', jsonPath: [] } }])
    expect(r.query.canonical).toBe('a=eq.1&b=eq.2')
  })

  it.each([
    ['id=val', '"failed to parse filter (val)" (line 1, column 1)', 'unexpected "v" expecting "not" or operator (eq, gt, ...)'],
    // These three are PostgREST's spec tests (JsonOperatorSpec, AndOrParamsSpec), verbatim.
    ['select=data->(!@%23$%25^%26*_d->>!@%23$%25^%26*_e::integer', '"failed to parse select parameter (data->(!@#$%^&*_d->>!@#$%^&*_e::integer)" (line 1, column 7)',
      'unexpected "(" expecting "-", digit or any non reserved character different from: .,>()'],
    ['select=data->>--34', '"failed to parse select parameter (data->>--34)" (line 1, column 9)', 'unexpected "-" expecting digit'],
    ['or=()', '"failed to parse logic tree (())" (line 1, column 4)',
      'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)'],
    ['order=id.ac', '"failed to parse order (id.ac)" (line 1, column 4)', 'unexpected "c" expecting "asc", "desc", "nullsfirst" or "nullslast"'],
    ['columns=', '"failed to parse columns parameter ()" (line 1, column 1)', 'unexpected end of input expecting field name (* or [a..z0..9_$])'],
  ])('PGRST100 for %s', (query, message, details) => {
    expect(errorOf({ query })).toEqual({ status: 400, code: 'PGRST100', message, details, hint: null })
  })

  it('answers absurdly nested select trees with PGRST100, not a crash', () => {
    const deep = `${'a('.repeat(20000)}${')'.repeat(20000)}`
    expect(errorOf({ query: `select=${deep}` })).toMatchObject({ status: 400, code: 'PGRST100', details: 'nested too deeply' })
  })

  it('treats operator-less parameters as rpc arguments on GET rpc', () => {
    const r = parseRequest({ method: 'GET', target: 'rpc', query: 'a=1&b=eq.2&a=3', headers: {} })
    expect(r.action).toBe('call')
    expect(r.query.rpcArgs).toEqual([['a', '1'], ['a', '3']])
    expect(r.query.filters).toHaveLength(1)
  })
})

describe('parseRequest: ranges', () => {
  it('intersects the Range header with limit/offset on GET', () => {
    expect(get('limit=5', { range: '2-20' }).range).toEqual({ offset: 2, limit: 3 })
    expect(get('', { Range: '0-9' }).range).toEqual({ offset: 0, limit: 10 })
    expect(get('', { range: '5-' }).range).toEqual({ offset: 5, limit: null })
    expect(get('limit=0').range).toEqual({ offset: 0, limit: 0 })
    expect(get('limit=abc').range).toEqual({ offset: 0, limit: null })
  })

  it('ignores the Range header on other methods', () => {
    const r = parseRequest({ method: 'DELETE', target: 'table', query: 'id=eq.1', headers: { range: '0-0' } })
    expect(r.range).toEqual({ offset: 0, limit: null })
  })

  it.each([
    [{ query: 'limit=-1' }, 416, 'PGRST103', 'Limit should be greater than or equal to zero.'],
    [{ query: '', headers: { range: '5-2' } }, 416, 'PGRST103', 'The lower boundary must be lower than or equal to the upper boundary in the Range header.'],
    [{ query: 'limit=1', method: 'DELETE' }, 400, 'PGRST109', null],
    [{ query: 'limit=1', method: 'PUT', body: '{}' }, 400, 'PGRST114', null],
  ] as [Partial<RequestInput> & { query: string }, number, string, string | null][])('%j → %s %s', (input, status, code, details) => {
    const e = errorOf(input)
    expect([e.status, e.code, e.details]).toEqual([status, code, details])
  })
})

describe('parseRequest: headers', () => {
  it('reads Prefer tokens across headers; first of each kind wins, unknown ones are kept', () => {
    const r = get('', { prefer: 'return=representation, count=exact,count=planned, missing=default, tx=rollback, handling=strict, max-affected=5, foo=bar' })
    expect(r.preferences).toEqual({
      return: 'representation', count: 'exact', missing: 'default', tx: 'rollback', handling: 'strict', maxAffected: 5, invalid: ['foo=bar'],
    })
  })

  it.each([
    [undefined, { kind: 'json', stripNulls: false }],
    ['*/*', { kind: 'json', stripNulls: false }],
    ['application/vnd.pgrst.object+json', { kind: 'object', stripNulls: false }],
    ['application/vnd.pgrst.object+json;nulls=stripped', { kind: 'object', stripNulls: true }],
    ['text/html;q=0.9, text/csv', { kind: 'csv' }],
    ['text/plain, application/json;q=0.5', { kind: 'json', stripNulls: false }],
  ])('Accept %s', (accept, media) => {
    expect(get('', accept === undefined ? {} : { accept }).media).toEqual(media)
  })

  it('answers 406 PGRST107 when nothing acceptable is produced', () => {
    expect(errorOf({ query: '', headers: { accept: 'text/html' } })).toEqual({
      status: 406, code: 'PGRST107', message: 'None of these media types are available: text/html', details: null, hint: null,
    })
  })

  it('maps methods to actions and rejects the rest like PostgREST', () => {
    expect(parseRequest({ method: 'HEAD', target: 'table', query: '', headers: {} })).toMatchObject({ action: 'read', headersOnly: true })
    expect(errorOf({ method: 'PATCH', target: 'rpc', query: '' })).toMatchObject({ status: 405, code: 'PGRST101', message: 'Cannot use the PATCH method on RPC' })
    expect(errorOf({ method: 'TRACE', query: '' })).toMatchObject({ status: 405, code: 'PGRST117', message: 'Unsupported HTTP method: TRACE' })
  })
})

describe('parseRequest: payload', () => {
  const post = (body: string, query = '', contentType = 'application/json') =>
    parseRequest({ method: 'POST', target: 'table', query, headers: { 'content-type': contentType }, body })

  it('takes the columns from the body keys (sorted), or from columns=', () => {
    expect(post('{"title":"x","id":1}')).toMatchObject({ action: 'create', columns: ['id', 'title'], payload: { isObject: true } })
    expect(post('[{"b":1,"a":2},{"a":3,"b":4}]').payload).toEqual({ raw: '[{"b":1,"a":2},{"a":3,"b":4}]', isObject: false, keys: ['a', 'b'], isJson: true })
    expect(post('[{"a":1,"zz":2}]', 'columns=a').columns).toEqual(['a'])
  })

  it('rejects bad JSON and non-uniform arrays with PGRST102', () => {
    expect(() => post('{"a":')).toThrow('Empty or invalid json')
    expect(() => post('[{"a":1},{"b":2}]')).toThrow('All object keys must match')
  })

  it('refuses bodies nested deeper than Postgres can parse', () => {
    expect(() => post(`${'['.repeat(600)}${']'.repeat(600)}`)).toThrow('JSON nested deeper than 512 levels')
    expect(post('{"a":"[[[[[[[[[["}').columns).toEqual(['a'])
  })

  it('reads CSV and form bodies as JSON', () => {
    expect(JSON.parse(post('a,b\n1,NULL\n"x,y",2\n', '', 'text/csv').payload?.raw ?? '')).toEqual([{ a: '1', b: null }, { a: 'x,y', b: '2' }])
    expect(post('a=1&b=two&a=3', '', 'application/x-www-form-urlencoded').payload).toEqual({
      raw: '{"a":"3","b":"two"}', isObject: true, keys: ['a', 'b'], form: [['a', '1'], ['b', 'two'], ['a', '3']],
    })
  })
})
