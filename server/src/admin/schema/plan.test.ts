import { describe, expect, it } from 'vitest'
import { addEnumValueSql, alterColumnSql, createEnumSql, createIndexSql, createTableSql, defaultName, dropColumnSql, setPrimaryKeySql } from './plan.js'

const t = { schema: 'public', name: 'we"ird table' }

describe('schema editor SQL', () => {
  it('quotes every identifier, even an existing one with a quote in it', () => {
    expect(dropColumnSql(t, 'a"; drop table x; --', true)).toEqual([`alter table "public"."we""ird table" drop column "a""; drop table x; --" cascade`])
    expect(setPrimaryKeySql(t, ['id', 'order'], 'old pk')).toEqual([
      `alter table "public"."we""ird table" drop constraint "old pk"`,
      `alter table "public"."we""ird table" add primary key ("id", "order")`,
    ])
  })

  it('builds a table: identity, default, not null, unique, composite primary key, then one statement per key', () => {
    const sql = createTableSql(
      { schema: 'public', name: 'pairs' },
      [
        { name: 'a', type: 'int8', identity: 'always', nullable: false, unique: false, primaryKey: true },
        { name: 'b', type: 'text', default: "'x'::text", nullable: false, unique: true, primaryKey: true },
        { name: 'c', type: 'int', nullable: true, unique: false, primaryKey: false },
      ],
      [{ columns: ['c'], references: { schema: 'auth', table: 'users', columns: ['id'] }, onDelete: 'set null', onUpdate: 'cascade' }],
    )
    expect(sql).toEqual([
      `create table "public"."pairs" ("a" int8 generated always as identity, "b" text default 'x'::text unique, "c" int, primary key ("a", "b"))`,
      `alter table "public"."pairs" add foreign key ("c") references "auth"."users" ("id") on delete set null on update cascade`,
    ])
  })

  it('alters a column one statement per change, in a fixed order', () => {
    expect(alterColumnSql(t, 'c', { rename: 'd', nullable: true, default: null, type: 'text', addUnique: true, dropUnique: ['k'] })).toEqual([
      `alter table "public"."we""ird table" alter column "c" type text`,
      `alter table "public"."we""ird table" alter column "c" drop default`,
      `alter table "public"."we""ird table" alter column "c" drop not null`,
      `alter table "public"."we""ird table" add unique ("c")`,
      `alter table "public"."we""ird table" drop constraint "k"`,
      `alter table "public"."we""ird table" rename column "c" to "d"`,
    ])
  })

  it('quotes enum labels as literals', () => {
    expect(createEnumSql({ schema: 'public', name: 'mood' }, ["it's", 'a\\b'])).toEqual([`create type "public"."mood" as enum ('it''s', ${"E'a\\\\b'"})`])
    expect(addEnumValueSql({ schema: 'public', name: 'mood' }, 'x', { after: "it's" })).toEqual([`alter type "public"."mood" add value 'x' after 'it''s'`])
  })

  it('names an index as Postgres would, within 63 bytes', () => {
    expect(defaultName('books', ['isbn'], 'idx')).toBe('books_isbn_idx')
    const long = defaultName('t'.repeat(60), ['a', 'b'], 'idx')
    expect(Buffer.byteLength(long)).toBe(63)
    expect(long.endsWith('_idx')).toBe(true)
    expect(createIndexSql({ schema: 'public', name: 'books' }, 'i', ['a'], false, 'gin')).toEqual([`create index "i" on "public"."books" using gin ("a")`])
  })
})
