/**
 * Issue 18 part 1, the schema editor: each change route (columns, keys, indexes, enums, rename,
 * drop) answers its SQL and the object it left; the read routes list indexes, enums, views and
 * functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { admin, expectSqlAnswer } from './admin-schema-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { sqlOn } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp

beforeAll(async () => {
  t = await createTestDatabase()
  await sqlOn(t.url, `create table public.authors (id int primary key, name text);
                      create table public.books (id int, title text, author_id int, isbn text);
                      insert into public.books values (1, '12', 1, 'a'), (2, '34', 1, 'b');
                      create view public.book_titles with (security_invoker = true) as select isbn from public.books;
                      create function public.add(a int, b int default 1) returns int language sql immutable as 'select a + b';
                      create function public.whoami() returns text language sql stable security definer as 'select current_user'`)
  floe = await buildTestApp(t)
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

type Col = { name: string; type: string; nullable: boolean; default: string | null; unique: boolean; primary_key: boolean }
const columnsOf = (body: Record<string, unknown>) => body.columns as Col[]

describe('columns', () => {
  it('adds a column', async () => {
    const res = await admin(floe, 'POST', '/tables/public.books/columns', { name: 'pages', type: 'integer', default: '0', nullable: false })
    expect(expectSqlAnswer(res, 201)).toEqual(['alter table "public"."books" add column "pages" integer default 0 not null'])
    expect(columnsOf(res.body).find((c) => c.name === 'pages')).toMatchObject({ type: 'integer', nullable: false, default: '0' })
  })

  it('changes type with USING, default, nullable, unique and name in one transaction', async () => {
    const res = await admin(floe, 'PATCH', '/tables/public.books/columns/title', {
      type: 'int', using: 'title::int', default: '7', nullable: false, unique: true, name: 'code',
    })
    expect(expectSqlAnswer(res, 200)).toEqual([
      'alter table "public"."books" alter column "title" type int using (\ntitle::int\n)',
      'alter table "public"."books" alter column "title" set default 7',
      'alter table "public"."books" alter column "title" set not null',
      'alter table "public"."books" add unique ("title")',
      'alter table "public"."books" rename column "title" to "code"',
    ])
    expect(columnsOf(res.body).find((c) => c.name === 'code')).toMatchObject({ type: 'integer', nullable: false, default: '7', unique: true })
    const off = await admin(floe, 'PATCH', '/tables/public.books/columns/code', { unique: false, default: null, nullable: true })
    expect(expectSqlAnswer(off, 200)).toEqual([
      'alter table "public"."books" alter column "code" drop default',
      'alter table "public"."books" alter column "code" drop not null',
      'alter table "public"."books" drop constraint "books_title_key"',
    ])
    expect(columnsOf(off.body).find((c) => c.name === 'code')).toMatchObject({ nullable: true, default: null, unique: false })
  })

  it('drops a column', async () => {
    const res = await admin(floe, 'DELETE', '/tables/public.books/columns/pages')
    expect(expectSqlAnswer(res, 200)).toEqual(['alter table "public"."books" drop column "pages"'])
    expect(columnsOf(res.body).map((c) => c.name)).toEqual(['id', 'code', 'author_id', 'isbn'])
  })
})

describe('keys', () => {
  it('sets, replaces and drops the primary key', async () => {
    const set = await admin(floe, 'PUT', '/tables/public.books/primary-key', { columns: ['id'] })
    expect(expectSqlAnswer(set, 200)).toEqual(['alter table "public"."books" add primary key ("id")'])
    expect(set.body.primary_key).toEqual({ name: 'books_pkey', columns: ['id'] })
    const replaced = await admin(floe, 'PUT', '/tables/public.books/primary-key', { columns: ['id', 'isbn'] })
    expect(replaced.body.sql).toEqual(['alter table "public"."books" drop constraint "books_pkey"', 'alter table "public"."books" add primary key ("id", "isbn")'])
    expect(replaced.body.primary_key).toEqual({ name: 'books_pkey', columns: ['id', 'isbn'] })
    const dropped = await admin(floe, 'DELETE', '/tables/public.books/primary-key')
    expect(dropped.body.primary_key).toBeNull()
    expect((await admin(floe, 'DELETE', '/tables/public.books/primary-key')).status).toBe(404)
  })

  it('adds and drops a foreign key', async () => {
    const add = await admin(floe, 'POST', '/tables/public.books/foreign-keys', {
      name: 'books_author', columns: ['author_id'], references: { table: 'authors', columns: ['id'] }, on_delete: 'set null',
    })
    expect(add.status, JSON.stringify(add.body)).toBe(409) // book rows name author 1, which does not exist yet
    await sqlOn(t.url, `insert into public.authors values (1, 'Ann')`)
    const ok = await admin(floe, 'POST', '/tables/public.books/foreign-keys', {
      name: 'books_author', columns: ['author_id'], references: { table: 'authors', columns: ['id'] }, on_delete: 'set null',
    })
    expect(expectSqlAnswer(ok, 201)).toEqual([
      'alter table "public"."books" add constraint "books_author" foreign key ("author_id") references "public"."authors" ("id") on delete set null on update no action',
    ])
    expect(ok.body.foreign_keys).toEqual([expect.objectContaining({ name: 'books_author', on_delete: 'set null', referenced_table: 'authors' })])
    const drop = await admin(floe, 'DELETE', '/tables/public.books/foreign-keys/books_author')
    expect(expectSqlAnswer(drop, 200)).toEqual(['alter table "public"."books" drop constraint "books_author"'])
    expect(drop.body.foreign_keys).toEqual([])
    expect((await admin(floe, 'DELETE', '/tables/public.books/foreign-keys/books_author')).status).toBe(404)
  })
})

describe('indexes', () => {
  it('creates, lists and drops indexes', async () => {
    const made = await admin(floe, 'POST', '/tables/public.books/indexes', { columns: ['isbn'], unique: true })
    expect(expectSqlAnswer(made, 201)).toEqual(['create unique index "books_isbn_idx" on "public"."books" using btree ("isbn")'])
    expect(made.body).toMatchObject({ name: 'books_isbn_idx', table: 'books', columns: ['isbn'], unique: true, method: 'btree' })
    const hash = await admin(floe, 'POST', '/tables/public.books/indexes', { name: 'books_code_hash', columns: ['code'], method: 'hash' })
    expect(hash.body).toMatchObject({ name: 'books_code_hash', method: 'hash', unique: false })
    const list = await admin(floe, 'GET', '/indexes?schema=public')
    expect((list.body as unknown as { name: string }[]).map((i) => i.name)).toEqual(['authors_pkey', 'books_code_hash', 'books_isbn_idx'])
    const drop = await admin(floe, 'DELETE', '/indexes/public.books_code_hash')
    expect(drop).toEqual({ status: 200, body: { sql: ['drop index "public"."books_code_hash"'] } })
    expect((await admin(floe, 'DELETE', '/indexes/public.books_code_hash')).status).toBe(404)
  })
})

describe('enums', () => {
  it('creates, extends, lists and drops an enum type', async () => {
    expect((await admin(floe, 'POST', '/enums', { name: 'mood', values: ['sad', 'happy'] })).status).toBe(201)
    const added = await admin(floe, 'POST', '/enums/public.mood/values', { value: "it's ok", before: 'happy' })
    expect(expectSqlAnswer(added, 201)).toEqual([`alter type "public"."mood" add value 'it''s ok' before 'happy'`])
    expect(added.body.values).toEqual(['sad', "it's ok", 'happy'])
    expect((await admin(floe, 'GET', '/enums')).body).toEqual([{ schema: 'public', name: 'mood', values: ['sad', "it's ok", 'happy'] }])
    await admin(floe, 'POST', '/tables/public.authors/columns', { name: 'mood', type: 'mood' })
    const refused = await admin(floe, 'DELETE', '/enums/public.mood')
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ code: 'SCHEMA_CONFLICT', hint: expect.stringContaining('cascade=true') })
    const dropped = await admin(floe, 'DELETE', '/enums/public.mood?cascade=true')
    expect(dropped).toEqual({ status: 200, body: { sql: ['drop type "public"."mood" cascade'] } })
    expect((await admin(floe, 'GET', '/enums')).body).toEqual([])
  })
})

describe('views and functions', () => {
  it('lists views with their definitions', async () => {
    const res = await admin(floe, 'GET', '/views')
    expect(res.body).toEqual([{ schema: 'public', name: 'book_titles', materialized: false, definition: expect.stringContaining('FROM books') }])
  })

  it('lists functions with args, return type, language, volatility and security', async () => {
    const res = await admin(floe, 'GET', '/functions?schema=public')
    expect(res.body).toEqual([
      { schema: 'public', name: 'add', kind: 'function', args: 'a integer, b integer DEFAULT 1', return_type: 'integer', language: 'sql', volatility: 'immutable', security_definer: false },
      { schema: 'public', name: 'whoami', kind: 'function', args: '', return_type: 'text', language: 'sql', volatility: 'stable', security_definer: true },
    ])
  })
})

describe('tables', () => {
  it('renames and drops a table (cascade when something depends on it)', async () => {
    const renamed = await admin(floe, 'PATCH', '/tables/public.books', { name: 'order' })
    expect(expectSqlAnswer(renamed, 200)).toEqual(['alter table "public"."books" rename to "order"'])
    expect(renamed.body).toMatchObject({ schema: 'public', name: 'order' })
    const refused = await admin(floe, 'DELETE', '/tables/public.order')
    expect(refused.status).toBe(409) // the view depends on it
    const dry = await admin(floe, 'DELETE', '/tables/public.order?cascade=true&dry_run=true')
    expect(dry).toEqual({ status: 200, body: { sql: ['drop table "public"."order" cascade'] } })
    expect((await admin(floe, 'GET', '/tables/public.order')).status).toBe(200)
    expect((await admin(floe, 'DELETE', '/tables/public.order?cascade=true')).status).toBe(200)
    expect((await admin(floe, 'GET', '/tables/public.order')).status).toBe(404)
    expect((await admin(floe, 'GET', '/views')).body).toEqual([])
  })
})

describe('the table list and the audit log', () => {
  it('counts small tables exactly and estimates those over 1 MiB', async () => {
    await sqlOn(t.url, `create table public.big (id int, pad text); insert into public.big select g, repeat('x', 100) from generate_series(1, 12000) g; analyze public.big`)
    const list = (await admin(floe, 'GET', '/tables')).body as unknown as { name: string; rows: number; rows_exact: boolean; warnings: { problem: string }[] }[]
    const big = list.find((x) => x.name === 'big')!
    expect(big.rows_exact).toBe(false)
    expect(big.rows).toBeGreaterThan(11_000)
    expect(big.warnings.map((w) => w.problem)).toEqual(['no_policy'])
    expect(list.find((x) => x.name === 'authors')).toMatchObject({ rows: 1, rows_exact: true, realtime: false })
    await sqlOn(t.url, `select realtime.enable_table('public.authors')`)
    expect((await admin(floe, 'GET', '/tables/public.authors')).body).toMatchObject({ realtime: true })
  })

  it('a table may reference auth.users (the platform schema is read, not changed)', async () => {
    const res = await admin(floe, 'POST', '/tables', {
      name: 'profiles',
      columns: [{ name: 'id', type: 'uuid', primary_key: true, default: 'gen_random_uuid()' }, { name: 'user_id', type: 'uuid', nullable: false }],
      foreign_keys: [{ columns: ['user_id'], references: { schema: 'auth', table: 'users', columns: ['id'] }, on_delete: 'cascade' }],
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.foreign_keys).toEqual([expect.objectContaining({ referenced_schema: 'auth', referenced_table: 'users', on_delete: 'cascade' })])
  })

  it('names the column a column change acted on', async () => {
    const audit = (await admin(floe, 'GET', '/audit?action=schema.')).body as unknown as { action: string; target: string }[]
    expect(audit).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'schema.alter_column', target: 'public.books.title' }),
      expect.objectContaining({ action: 'schema.add_column', target: 'public.books.pages' }),
      expect.objectContaining({ action: 'schema.rename_table', target: 'public.books' }),
      expect.objectContaining({ action: 'schema.drop_enum', target: 'public.mood' }),
    ]))
  })
})
