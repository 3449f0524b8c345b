import { describe, expect, it } from 'vitest'
import { lineAt, offsetOfPosition, splitSql } from './split-sql.js'

const texts = (sql: string) => splitSql(sql).statements.map((s) => s.text)

describe('splitSql', () => {
  it.each([
    ['select 1; select 2;', ['select 1;', 'select 2;']],
    ["select ';' as a; select 'it''s;';", ["select ';' as a;", "select 'it''s;';"]],
    ["select E'\\';' ;", ["select E'\\';' ;"]],
    ['select ";x" from t;', ['select ";x" from t;']],
    ['-- a; comment\nselect 1; /* b; /* nested; */ still; */ select 2;', ['select 1;', 'select 2;']],
    ['create function f() returns int language plpgsql as $$ begin return 1; end $$;', ['create function f() returns int language plpgsql as $$ begin return 1; end $$;']],
    ['do $body$ begin perform 1; end $body$; select $1;', ['do $body$ begin perform 1; end $body$;', 'select $1;']],
    ['create rule r as on insert to t do instead (insert into u values (1); insert into u values (2));', ['create rule r as on insert to t do instead (insert into u values (1); insert into u values (2));']],
    [
      'create or replace function g() returns int language sql begin atomic select case when true then 1 end; select 2; end; select 3;',
      ['create or replace function g() returns int language sql begin atomic select case when true then 1 end; select 2; end;', 'select 3;'],
    ],
    ['begin; select 1; end;', ['begin;', 'select 1;', 'end;']],
    ['select a$b from t;', ['select a$b from t;']],
  ])('%s', (sql, expected) => {
    expect(texts(sql)).toEqual(expected)
  })

  it('gives each statement its offset and line, and keeps an unfinished one apart', () => {
    const sql = '\n-- head\nselect 1;\n\n  select\n 2;\nselect 3'
    const { statements, rest } = splitSql(sql)
    expect(statements.map((s) => [s.line, s.offset])).toEqual([
      [3, 9],
      [5, 22],
    ])
    expect(rest).toEqual({ text: 'select 3', offset: 33, line: 7 })
    expect(splitSql('select 1; -- trailing comment\n').rest).toBeUndefined()
  })

  it('maps a Postgres position (characters) to a line, astral characters counted once', () => {
    const stmt = "select '😀',\n  nope"
    const offset = offsetOfPosition(stmt, 15) // the n of nope, counting 😀 as one character
    expect(stmt.slice(offset, offset + 4)).toBe('nope')
    expect(lineAt(stmt, offset)).toBe(2)
  })
})
