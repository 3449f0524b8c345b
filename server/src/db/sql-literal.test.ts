import { describe, expect, it } from 'vitest'
import { quoteLiteral } from './sql-literal.js'
import { quoteIdent } from './sql-ident.js'

describe('quoteLiteral', () => {
  it('doubles single quotes', () => expect(quoteLiteral(`{"a":"it's"}`)).toBe(`'{"a":"it''s"}'`))
  it('uses E-syntax when a backslash is present', () => expect(quoteLiteral('a\\b\'')).toBe(`E'a\\\\b'''`))
  it('refuses NUL', () => expect(() => quoteLiteral('a\0b')).toThrow(/NUL/))
})

describe('quoteIdent', () => {
  it('quotes and doubles inner quotes', () => expect(quoteIdent('we"ird')).toBe('"we""ird"'))
})
