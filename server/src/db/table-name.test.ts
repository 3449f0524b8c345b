import { describe, expect, it } from 'vitest'
import { ApiError } from '../errors/index.js'
import { parseTableName, parseTableParts } from './table-name.js'

const EXPOSED = ['public', 'api']

describe('parseTableName', () => {
  it.each([
    ['todos', { schema: 'public', table: 'todos' }],
    ['public.todos', { schema: 'public', table: 'todos' }],
    ['api.My Table', { schema: 'api', table: 'My Table' }],
    ['storage.objects', { schema: 'storage', table: 'objects' }],
  ])('reads %s', (text, expected) => {
    expect(parseTableName(text, EXPOSED)).toEqual(expected)
  })

  it('takes the first exposed schema as the default of a bare name', () => {
    expect(parseTableName('todos', ['api', 'public'])).toEqual({ schema: 'api', table: 'todos' })
  })

  it.each([
    ['auth.users', /platform schema auth/],
    ['floe.queues', /platform schema floe/],
    ['storage.buckets', /platform schema storage/],
    ['realtime.messages', /platform schema realtime/],
    ['private.secrets', /Schema "private" is not exposed/],
    ['a.b.c', /Invalid table name/],
    ['', /Invalid table name/],
    ['public.', /Invalid table name/],
  ])('refuses %s with a 400 naming why', (text, message) => {
    let thrown: unknown
    try {
      parseTableName(text, EXPOSED)
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(ApiError)
    expect((thrown as ApiError).status).toBe(400)
    expect((thrown as ApiError).message).toMatch(message)
  })
})

describe('parseTableParts', () => {
  it.each([
    [{ table: 'orders' }, { schema: 'public', table: 'orders' }],
    [{ schema: 'api', table: 'orders' }, { schema: 'api', table: 'orders' }],
    [{ table: 'api.orders' }, { schema: 'api', table: 'orders' }],
    [{ schema: 'storage', table: 'storage.objects' }, { schema: 'storage', table: 'objects' }],
  ])('reads %j', (parts, expected) => {
    expect(parseTableParts(parts, EXPOSED)).toEqual(expected)
  })

  it.each([
    [{ schema: 'api', table: 'public.orders' }, /disagrees/],
    [{ schema: 'auth', table: 'users' }, /platform schema auth/],
  ])('refuses %j', (parts, message) => {
    expect(() => parseTableParts(parts, EXPOSED)).toThrow(message)
  })
})
