import { describe, expect, it } from 'vitest'
import { RealtimeError } from '../types.js'
import { parseFilter, parseSpec, parseSpecs } from './specs.js'

describe('parseSpec', () => {
  it('takes the events, case-insensitive, and a table of * as every table', () => {
    expect(parseSpec({ event: 'insert', schema: 'public', table: 'todos' })).toEqual({ event: 'INSERT', schema: 'public', table: 'todos', filter: undefined })
    expect(parseSpec({ event: '*', schema: 'public', table: '*' })).toEqual({ event: '*', schema: 'public', table: undefined, filter: undefined })
    expect(parseSpec({ event: '*', schema: '*' }).table).toBeUndefined()
  })

  it('refuses an unknown event, a filter without a table, a bad shape', () => {
    expect(() => parseSpec({ event: 'TRUNCATE', schema: 'public', table: 't' })).toThrow(RealtimeError)
    expect(() => parseSpec({ event: '*', schema: 'public', filter: 'id=eq.1' })).toThrow(/needs a table/)
    expect(() => parseSpec({ event: '*', schema: '' } as never)).toThrow(RealtimeError)
    expect(() => parseSpecs(Array.from({ length: 101 }, () => ({ event: '*', schema: 'public' })))).toThrow(/at most/)
  })
})

describe('parseFilter', () => {
  it.each([
    ['id=eq.5', { column: 'id', op: 'eq', values: ['5'] }],
    ['title=neq.a=b', { column: 'title', op: 'neq', values: ['a=b'] }],
    ['n=lt.1', { column: 'n', op: 'lt', values: ['1'] }],
    ['n=lte.1', { column: 'n', op: 'lte', values: ['1'] }],
    ['n=gt.1', { column: 'n', op: 'gt', values: ['1'] }],
    ['n=gte.1', { column: 'n', op: 'gte', values: ['1'] }],
    ['n=in.(1,2,3)', { column: 'n', op: 'in', values: ['1', '2', '3'] }],
    ['t=in.("a,b",c)', { column: 't', op: 'in', values: ['a,b', 'c'] }],
    ['t=eq.', { column: 't', op: 'eq', values: [''] }],
  ])('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected)
  })

  it.each(['id', 'id=like.a', 'id=eq', '=eq.1', 'id=in.1,2', 'id=in.()'])('refuses %s', (text) => {
    expect(() => parseFilter(text)).toThrow(RealtimeError)
  })
})
