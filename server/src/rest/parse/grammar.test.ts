import { describe, expect, it } from 'vitest'
import { pFieldForest, pJsonPath, pLogicTree, pOpExpr, pOrder, pSingleVal, pFieldName } from './grammar.js'
import { runParser, type Parser } from './parsec.js'

const fail = <T>(p: Parser<T>, input: string) => {
  const r = runParser(p, 'x', input)
  if (r.ok) throw new Error(`parsed ${input}`)
  return `${r.message.replace('"x" ', '')} ${r.details}`
}
const ok = <T>(p: Parser<T>, input: string): T => {
  const r = runParser(p, 'x', input)
  if (!r.ok) throw new Error(`${r.message} ${r.details}`)
  return r.value
}

// The failures below are PostgREST's own doctests (ApiRequest/QueryParams.hs), message for message.
describe('PostgREST grammar errors', () => {
  it.each([
    [pFieldForest, 'id,clients(name[])', `(line 1, column 16) unexpected '[' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input`],
    [pFieldForest, 'data->>-78xy', `(line 1, column 11) unexpected 'x' expecting digit, "->", "::", ".", "," or end of input`],
    [pJsonPath, '->>--34', '(line 1, column 5) unexpected "-" expecting digit'],
    [pOpExpr(pSingleVal), 'noop.0', '(line 1, column 1) unexpected "o" expecting "not" or operator (eq, gt, ...)'],
    [pOpExpr(pSingleVal), 'fts().value', '(line 1, column 5) unexpected ")" expecting operator (eq, gt, ...)'],
    [pOpExpr(pSingleVal), 'eq().value', '(line 1, column 4) unexpected ")" expecting operator (eq, gt, ...)'],
    [pOpExpr(pSingleVal), 'is().value', '(line 1, column 3) unexpected "(" expecting operator (eq, gt, ...)'],
    [pOpExpr(pSingleVal), 'in().value', '(line 1, column 3) unexpected "(" expecting operator (eq, gt, ...)'],
    [pOrder, 'clients(name,id)', `(line 1, column 8) unexpected '(' expecting letter, digit, "-", "->>", "->", delimiter (.), "," or end of input`],
    [pOrder, 'id.ac', '(line 1, column 4) unexpected "c" expecting "asc", "desc", "nullsfirst" or "nullslast"'],
    [pOrder, 'id.descc', `(line 1, column 8) unexpected 'c' expecting delimiter (.), "," or end of input`],
    [pOrder, 'id.nullslasttt', `(line 1, column 13) unexpected 't' expecting "," or end of input`],
    [pOrder, 'id.asc.nlsfst', '(line 1, column 8) unexpected "l" expecting "nullsfirst" or "nullslast"'],
    [pLogicTree, 'or()', '(line 1, column 4) unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)'],
    [pLogicTree, 'or(id.in.1,2,id.eq.3)', '(line 1, column 10) unexpected "1" expecting "("'],
    [pLogicTree, 'and(ord(id.eq.1,id.eq.1),id.eq.2)', '(line 1, column 7) unexpected "d" expecting "("'],
    [pLogicTree, 'or(id.eq.1,not.xor(id.eq.2,id.eq.3))', '(line 1, column 16) unexpected "x" expecting logic operator (and, or)'],
    [pFieldName, ':', '(line 1, column 1) unexpected ":" expecting field name (* or [a..z0..9_$])'],
  ] as [Parser<unknown>, string, string][])('%#: %s', (p, input, expected) => {
    expect(fail(p, input)).toBe(expected)
  })
})

describe('select', () => {
  it('parses fields, aliases, casts, json paths and embeds', () => {
    expect(ok(pFieldForest, 'alias:name->jsonpath::cast,*,...rel!hint!inner(a),b:c!left(d(e))')).toEqual([
      { type: 'field', field: { name: 'name', jsonPath: [{ arrow: '->', operand: { kind: 'key', value: 'jsonpath' } }] }, alias: 'alias', cast: 'cast' },
      { type: 'field', field: { name: '*', jsonPath: [] } },
      { type: 'spread', name: 'rel', hint: 'hint', joinType: 'inner', children: [{ type: 'field', field: { name: 'a', jsonPath: [] } }] },
      { type: 'relation', name: 'c', alias: 'b', joinType: 'left', children: [
        { type: 'relation', name: 'd', children: [{ type: 'field', field: { name: 'e', jsonPath: [] } }] },
      ] },
    ])
  })

  it('reads array indexes as signed numbers and quoted names as written', () => {
    expect(ok(pJsonPath, '->0->>-1->"a.b"')).toEqual([
      { arrow: '->', operand: { kind: 'idx', value: '+0' } },
      { arrow: '->>', operand: { kind: 'idx', value: '-1' } },
      { arrow: '->', operand: { kind: 'key', value: 'a.b' } },
    ])
    expect(ok(pFieldName, '" spaced "')).toBe(' spaced ')
    expect(ok(pFieldName, 'with-dash')).toBe('with-dash')
  })

  it('parses aggregates (rejected later by the planner) and count()', () => {
    expect(ok(pFieldForest, 'total:amount.sum()::int,count()')).toEqual([
      { type: 'field', field: { name: 'amount', jsonPath: [] }, alias: 'total', aggregate: 'sum', aggregateCast: 'int' },
      { type: 'field', field: { name: '*', jsonPath: [] }, aggregate: 'count' },
    ])
  })
})

describe('filters', () => {
  it.each([
    ['eq.1', { negated: false, operation: { kind: 'quant', op: 'eq', value: '1' } }],
    ['not.like(any).{a*,b*}', { negated: true, operation: { kind: 'quant', op: 'like', quantifier: 'any', value: '{a*,b*}' } }],
    ['neq.x.y', { negated: false, operation: { kind: 'simple', op: 'neq', value: 'x.y' } }],
    ['adj.[1,2)', { negated: false, operation: { kind: 'simple', op: 'adj', value: '[1,2)' } }],
    ['is.NULL', { negated: false, operation: { kind: 'is', value: 'null' } }],
    ['not.is.unknown', { negated: true, operation: { kind: 'is', value: 'unknown' } }],
    ['isdistinct.a', { negated: false, operation: { kind: 'isdistinct', value: 'a' } }],
    ['in.(1,"a,b","q\\"x",)', { negated: false, operation: { kind: 'in', values: ['1', 'a,b', 'q"x', ''] } }],
    ['fts(english).cat & dog', { negated: false, operation: { kind: 'fts', op: 'fts', language: 'english', value: 'cat & dog' } }],
    ['wfts.a b', { negated: false, operation: { kind: 'fts', op: 'wfts', value: 'a b' } }],
    ['imatch.^a', { negated: false, operation: { kind: 'quant', op: 'imatch', value: '^a' } }],
  ])('%s', (input, expected) => {
    expect(ok(pOpExpr(pSingleVal), input)).toEqual(expected)
  })

  it('parses nested logic trees with negation and pg arrays', () => {
    expect(ok(pLogicTree, 'or(a.eq.1,not.and(b.cs.{x,y},c.in.(1,2)))')).toEqual({
      type: 'expr', negated: false, operator: 'or', children: [
        { type: 'filter', filter: { field: { name: 'a', jsonPath: [] }, negated: false, operation: { kind: 'quant', op: 'eq', value: '1' } } },
        { type: 'expr', negated: true, operator: 'and', children: [
          { type: 'filter', filter: { field: { name: 'b', jsonPath: [] }, negated: false, operation: { kind: 'simple', op: 'cs', value: '{x,y}' } } },
          { type: 'filter', filter: { field: { name: 'c', jsonPath: [] }, negated: false, operation: { kind: 'in', values: ['1', '2'] } } },
        ] },
      ],
    })
  })
})

describe('order', () => {
  it('parses directions, nulls, json paths and related terms', () => {
    expect(ok(pOrder, 'name.desc.nullsfirst,data->a.asc,clients(name).desc,id.nullslast')).toEqual([
      { field: { name: 'name', jsonPath: [] }, direction: 'desc', nulls: 'first' },
      { field: { name: 'data', jsonPath: [{ arrow: '->', operand: { kind: 'key', value: 'a' } }] }, direction: 'asc' },
      { relation: 'clients', field: { name: 'name', jsonPath: [] }, direction: 'desc' },
      { field: { name: 'id', jsonPath: [] }, nulls: 'last' },
    ])
  })
})
