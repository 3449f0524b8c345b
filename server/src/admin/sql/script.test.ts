import { describe, expect, it } from 'vitest'
import { findTransactionControl, locate, splitStatements } from './script.js'

const texts = (sql: string) => splitStatements(sql).map((s) => sql.slice(s.start, s.end).trim())
const firstWords = (sql: string) => splitStatements(sql).map((s) => s.words.join(' '))

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops empty statements', () => {
    expect(texts('select 1; select 2;; -- only a comment\n;')).toEqual(['select 1', 'select 2'])
    expect(texts('select 1')).toEqual(['select 1'])
    expect(texts('  ')).toEqual([])
  })

  it('does not split inside quotes, identifiers, dollar quotes, comments or parentheses', () => {
    const sql = `select 'a;b', E'c\\';d', "x;y" from t; do $body$ begin; end $body$; select $$;$$ /* ; /* nested ; */ ; */; create rule r as on insert to t do also (insert into u values (1); insert into u values (2)); select a$b from t`
    expect(firstWords(sql)).toEqual(['SELECT FROM', 'DO', 'SELECT', 'CREATE RULE', 'SELECT A$B'])
  })

  it('keeps a SQL-standard function body (BEGIN ATOMIC ... END, CASE ... END inside) in one statement', () => {
    const sql = `create function f(x int) returns int language sql begin atomic select case when x > 0 then 1 else 0 end; select 2; end; commit`
    expect(firstWords(sql)).toEqual(['CREATE FUNCTION', 'COMMIT'])
  })

  it('counts BEGIN / CASE / END only in a routine body', () => {
    expect(firstWords('create table t (begin int, x int default case when true then 1 end); commit')).toEqual(['CREATE TABLE', 'COMMIT'])
    expect(firstWords('create or replace procedure p() begin atomic insert into t values (1); end; rollback')).toEqual(['CREATE OR', 'ROLLBACK'])
    expect(firstWords('create function f() returns int as $$ select 1 $$ language sql; select case when true then 1 end; end')).toEqual([
      'CREATE FUNCTION',
      'SELECT CASE',
      'END',
    ])
  })

  it('treats $1 and a$b as no dollar quote', () => {
    expect(texts('select $1; select a$b$ from t; select 2')).toHaveLength(3)
  })
})

describe('findTransactionControl', () => {
  it.each([
    ['commit', 'COMMIT'],
    ['select 1; BEGIN', 'BEGIN'],
    ['start transaction', 'START TRANSACTION'],
    ['/* c */ rollback to savepoint a', 'ROLLBACK TO'],
    ['end', 'END'],
    ['abort', 'ABORT'],
    ['savepoint a', 'SAVEPOINT A'],
    ['release a', 'RELEASE A'],
    ["prepare transaction 'x'", 'PREPARE TRANSACTION'],
  ])('finds %j', (sql, words) => {
    expect(findTransactionControl(splitStatements(sql))?.words.join(' ')).toBe(words)
  })

  it.each(['prepare q as select 1', "select 'commit'", 'do $$ begin commit; end $$', '-- commit\nselect 1', 'select begin from t'])('lets %j through', (sql) => {
    expect(findTransactionControl(splitStatements(sql))).toBeUndefined()
  })
})

describe('locate', () => {
  it('turns a 1-based character position into line and column', () => {
    expect(locate('select 1;\n  selec 2', 13)).toEqual({ line: 2, column: 3, offset: 12 })
    expect(locate('x', 1)).toEqual({ line: 1, column: 1, offset: 0 })
  })

  it('counts characters as Postgres does (a code point outside the BMP is one)', () => {
    const sql = "select '😀';\nbad"
    expect(locate(sql, 13)).toEqual({ line: 2, column: 1, offset: 13 })
    expect(sql[13]).toBe('b')
  })
})
