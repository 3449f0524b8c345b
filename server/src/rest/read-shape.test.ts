import { describe, expect, it } from 'vitest'
import { canonicalQuery, parseQueryString } from './parse/query-string.js'
import { canonicalOf, operandSlots, readShape, withOperands } from './read-shape.js'

describe('readShape', () => {
  it('lifts the operands of simple filters, keeping the operator and the key as written', () => {
    const a = readShape('?select=id,title&id=eq.1&year=not.gte.2000')
    const b = readShape('?select=id,title&id=eq.77&year=not.gte.1999')
    expect(a.masked).toBe(b.masked)
    expect(a.masked).toMatch(/^\?select=id,title&id=eq\.floe[0-9a-f]{12}x0x&year=not\.gte\.floe[0-9a-f]{12}x1x$/)
    expect(a.operands).toEqual(['1', '2000'])
    expect(b.operands).toEqual(['77', '1999'])
  })

  it('decodes operands as the parser does (percent escapes, + as space)', () => {
    expect(readShape('?title=eq.Blade+Runner%2C%20the').operands).toEqual(['Blade Runner, the'])
    expect(readShape('?title=eq.').operands).toEqual([''])
  })

  it('leaves other operators, reserved parameters and bare keys in the shape', () => {
    for (const q of ['?title=like.*a*', '?id=in.(1,2)', '?id=is.null', '?order=id.desc', '?limit=5', '?actors.limit=eq.1', '?select=eq.1', '?flag']) {
      expect(readShape(q)).toMatchObject({ masked: q, operands: [] })
    }
    // a filter on an embed is a filter
    expect(readShape('?actors.id=eq.3').operands).toEqual(['3'])
  })

  it('keeps the canonical query of the read itself', () => {
    const q = '?id=eq.5;select=id&title=eq.a%20b'
    expect(canonicalOf(readShape(q))).toBe(canonicalQuery(parseQueryString(q)))
  })
})

describe('operandSlots', () => {
  const shape = readShape('?a=eq.1&b=gt.2')
  const [p0, p1] = readShape(shape.masked).operands
  it('finds each placeholder among the values and puts the operands back', () => {
    const statement = { text: 'select $1, $2, $3', values: ['x', p1, p0] }
    const slots = operandSlots(statement, 2)
    expect(slots).toEqual([[2], [1]])
    expect(withOperands(statement, slots ?? [], shape.operands)).toEqual({ text: statement.text, values: ['x', '2', '1'] })
  })

  it('fills every place an operand was bound (a count binds the filters twice)', () => {
    const statement = { text: 'select $1, $2, $3, $4', values: [p0, p1, p0, p1] }
    const slots = operandSlots(statement, 2)
    expect(slots).toEqual([[0, 2], [1, 3]])
    expect(withOperands(statement, slots ?? [], shape.operands).values).toEqual(['1', '2', '1', '2'])
  })

  it('refuses a placeholder that is missing, rewritten or spliced into text', () => {
    expect(operandSlots({ text: 'x', values: [p0] }, 2)).toBeNull()
    expect(operandSlots({ text: 'x', values: [p0, `%${p1}%`] }, 2)).toBeNull()
    expect(operandSlots({ text: `x ${String(p1)}`, values: [p0, p1] }, 2)).toBeNull()
  })
})
