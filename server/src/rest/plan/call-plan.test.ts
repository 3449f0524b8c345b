import { describe, expect, it } from 'vitest'
import { apiErrorOf, filmsContext, rpcRequest } from '../test-fixtures/requests.js'
import { planCall } from './call-plan.js'

const json = { 'content-type': 'application/json' }
const get = (fn: string, query: string, headers: Record<string, string> = {}) => planCall(filmsContext, fn, rpcRequest('GET', query, headers))
const post = (fn: string, body: string, query = '', prefer?: string) =>
  planCall(filmsContext, fn, rpcRequest('POST', query, prefer === undefined ? json : { ...json, prefer }, body))

describe('planCall: choosing the function', () => {
  it('matches named arguments, optional ones allowed', () => {
    expect(post('add', '{"a":1,"b":2}')).toMatchObject({ params: { kind: 'named' }, isScalar: true, returnsSingle: true, argsJson: '{"a":1,"b":2}' })
    expect(get('search_films', 'q=x').params).toMatchObject({ kind: 'named', args: [{ name: 'q' }] })
    expect(get('search_films', 'q=x&lim=2').params).toMatchObject({ kind: 'named', args: [{ name: 'q' }, { name: 'lim' }] })
    expect(get('overloaded', 'b=1&c=2').fn.args.map((a) => a.name)).toEqual(['b', 'c'])
  })

  it('encodes GET arguments as a JSON object, operator-less parameters only', () => {
    expect(get('search_films', 'q=x&year=gt.1').argsJson).toBe('{"q":"x"}')
  })

  it('gives a lone json parameter the whole POST body', () => {
    expect(post('echo_json', '{"anything":[1]}')).toMatchObject({ params: { kind: 'single', arg: { name: '', type: 'json' } }, argsJson: '{"anything":[1]}' })
  })

  it('reads table-returning functions like the table, RETURNS TABLE like a table of its columns', () => {
    const p = get('search_films', 'q=x&select=id,directors(name)&year=gt.1')
    expect(p).toMatchObject({ isScalar: false, returnsSingle: false, returning: ['director_id', 'id', 'year'] })
    expect(p.read.root.ref).toEqual({ kind: 'alias', name: 'films' })
    expect(get('pairs', 'n=2&x=gt.1').read.root.table.columns.map((c) => c.name)).toEqual(['x', 'y'])
  })

  it.each([
    ['overloaded', 'a=1', 300, 'PGRST203', 'Could not choose the best candidate function between: public.overloaded(a => integer), public.overloaded(a => text)'],
    ['overloaded', 'z=1', 404, 'PGRST202', 'Could not find the function public.overloaded(z) in the schema cache'],
    ['ad', 'a=1', 404, 'PGRST202', 'Could not find the function public.ad(a) in the schema cache'],
    ['film_count', 'x=1', 404, 'PGRST202', 'Could not find the function public.film_count(x) in the schema cache'],
    ['add', '', 404, 'PGRST202', 'Could not find the function public.add without parameters in the schema cache'],
  ])('%s?%s → %s %s', (fn, query, status, code, message) => {
    expect(apiErrorOf(() => get(fn, query))).toMatchObject({ status, code, message })
  })

  it('explains PGRST202 with details and a fuzzy hint, as PostgREST', () => {
    expect(apiErrorOf(() => get('ad', 'a=1'))).toMatchObject({
      details: 'Searched for the function public.ad with parameter a, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.add',
    })
    expect(apiErrorOf(() => post('add', '{"a":1,"c":2}'))).toMatchObject({
      message: 'Could not find the function public.add(a, c) in the schema cache',
      details: 'Searched for the function public.add with parameters a, c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.add(a, b)',
    })
    expect(apiErrorOf(() => post('add', '{"a":1}', '', 'params=single-object'))).toMatchObject({
      message: 'Could not find the function public.add in the schema cache',
      details: 'Searched for the function public.add with a single json/jsonb parameter, but no matches were found in the schema cache.',
      hint: null,
    })
  })
})
