/**
 * Issue 15, data API items 1, 2 and `is.not_null` of 7: full-text search on text/jsonb columns
 * with a config, computed columns (functions taking the table's row type), `is.not_null`. Expected bodies follow PostgREST's
 * QuerySpec.hs ("full text search", "computed columns"), UpdateSpec.hs ("filtering by a computed
 * column", "can return computed columns") and the fixtures items/items2/tsearch_to_tsvector of
 * test/spec/fixtures/schema.sql and data.sql.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadExtraSql } from './extra-sql.js'
import { useRest, type RestHarness } from './setup.js'

const SQL = /* sql */ `
create table items (id int primary key);
insert into items select generate_series(1, 15);
create table items2 (id int primary key);
insert into items2 values (1), (2);
create table item_notes (id int primary key, item_id int references items(id) on update cascade, body text);
insert into item_notes values (1, 1, 'first'), (2, 2, 'second');

create function always_true(items) returns boolean language sql immutable as $$ select true $$;
create function computed_overload(items) returns boolean language sql immutable as $$ select true $$;
create function computed_overload(items2) returns boolean language sql immutable as $$ select true $$;
create function is_first(items) returns boolean language sql immutable as $$ select $1.id = 1 $$;
create function anti_id(items) returns bigint language sql immutable as $$ select $1.id * -1 $$;
create function item_meta(items) returns jsonb language sql immutable as $$ select jsonb_build_object('double', $1.id * 2) $$;
create function search(id int) returns setof items language sql stable as $$ select * from items where items.id = search.id $$;
-- outside the exposed schema: not a computed column of public.items
create schema outside;
create function outside.always_false(public.items) returns boolean language sql immutable as $$ select false $$;

create domain tsvector_not_null as tsvector constraint "tsvector is required" check (value is not null);
create domain tsvector_not_empty as tsvector_not_null constraint "tsvector is required and not empty" check (value <> '');
create table tsearch_to_tsvector (
  text_search text,
  jsonb_search jsonb,
  text_search_domain tsvector_not_null default '',
  text_search_rec_domain tsvector_not_empty default '.'
);
insert into tsearch_to_tsvector(text_search) values
  ('It''s kind of fun to do the impossible'), ('But also fun to do what is possible'), ('Fat cats ate rats'),
  ('C''est un peu amusant de faire l''impossible'), ('Es ist eine Art Spaß, das Unmögliche zu machen');
update tsearch_to_tsvector set jsonb_search = jsonb_build_object('text_search', text_search),
  text_search_domain = to_tsvector('simple', text_search), text_search_rec_domain = to_tsvector('simple', text_search);
create function text_search_vector(tsearch_to_tsvector) returns tsvector language sql as $$ select to_tsvector('simple', $1.text_search) $$;

create table no_pk (a varchar, b numeric);
insert into no_pk values (null, null), ('1', '0'), ('2', '0');

alter table no_pk disable row level security;
alter table items disable row level security;
alter table items2 disable row level security;
alter table item_notes disable row level security;
alter table tsearch_to_tsvector disable row level security;
`

let h: RestHarness
useRest((harness) => {
  h = harness
})
beforeAll(() => loadExtraSql(h, SQL))

const get = async (path: string) => {
  const res = await h.raw(path)
  return { status: res.status, body: await res.json() }
}
const write = async (method: string, path: string, body: unknown) => {
  const res = await h.raw(path, { method, headers: { 'Content-Type': 'application/json', Prefer: 'return=representation' }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() }
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i }))

describe('computed columns', () => {
  it.each([
    ['computed column on table', '/items?id=eq.1&select=id,always_true', [{ id: 1, always_true: true }]],
    ['computed column on rpc', '/rpc/search?id=1&select=id,always_true', [{ id: 1, always_true: true }]],
    ['overloaded computed column (items)', '/items?id=eq.1&select=id,computed_overload', [{ id: 1, computed_overload: true }]],
    ['overloaded computed column (items2)', '/items2?id=eq.1&select=id,computed_overload', [{ id: 1, computed_overload: true }]],
    ['overloaded computed column on rpc', '/rpc/search?id=1&select=id,computed_overload', [{ id: 1, computed_overload: true }]],
    ['matches with computed column', '/items?always_true=eq.true&order=id.asc', range(1, 15)],
    ['order by computed column', '/items?order=anti_id.desc', range(1, 15)],
    ['alias, cast and JSON path on a computed column', '/items?id=eq.2&select=id,neg:anti_id::text,item_meta->double', [{ id: 2, neg: '-2', double: 4 }]],
    ['beside *', '/items?id=eq.3&select=*,is_first', [{ id: 3, is_first: false }]],
    ['in an embedded resource, filtered there', '/item_notes?select=id,items(id,anti_id)&items.is_first=is.true&order=id', [{ id: 1, items: { id: 1, anti_id: -1 } }, { id: 2, items: null }]],
    ['filtered and ordered on rpc', '/rpc/search?id=3&select=id&is_first=is.false&order=anti_id', [{ id: 3 }]],
  ])('%s', async (_name, path, expected) => {
    const { status, body } = await get(path)
    expect(body).toEqual(expected)
    expect(status).toBe(200)
  })

  it('cannot access a computed column outside of the exposed schema (400, 42703)', async () => {
    const { status, body } = await get('/items?always_false=is.false')
    expect(status).toBe(400)
    expect(body).toMatchObject({ code: '42703' })
  })

  it('PATCH filtered by a computed column, returning one', async () => {
    expect(await write('PATCH', '/items?is_first=eq.true&select=id,anti_id', { id: 100 })).toEqual({ status: 200, body: [{ id: 100, anti_id: -100 }] })
    expect(await write('PATCH', '/items?always_true=eq.false', { id: 100 })).toEqual({ status: 200, body: [] })
    expect(await write('PATCH', '/items?id=eq.100&select=id,always_true', { id: 1 })).toEqual({ status: 200, body: [{ id: 1, always_true: true }] })
    expect(await write('PATCH', '/items2?id=eq.1&select=id,computed_overload', { id: 1 })).toEqual({ status: 200, body: [{ id: 1, computed_overload: true }] })
  })

  it('PATCH with an empty body still answers [] for a computed select (UpdateSpec)', async () => {
    expect(await write('PATCH', '/items?select=id,computed_overload', {})).toEqual({ status: 200, body: [] })
  })

  it('POST and DELETE return computed columns, with * too', async () => {
    expect(await write('POST', '/items?select=*,anti_id,is_first', { id: 50 })).toEqual({ status: 201, body: [{ id: 50, anti_id: -50, is_first: false }] })
    expect(await write('DELETE', '/items?id=eq.50&select=id,always_true', undefined)).toEqual({ status: 200, body: [{ id: 50, always_true: true }] })
  })
})

const texts = (rows: unknown) => (rows as { text_search: string }[]).map((r) => r.text_search)

describe('full-text search on text and jsonb columns', () => {
  it.each([
    ['fts.impossible', ["It's kind of fun to do the impossible", "C'est un peu amusant de faire l'impossible"]],
    ['fts.fun%26possible', ['But also fun to do what is possible']],
    ['plfts.The%20Fat%20Rats', ['Fat cats ate rats']],
    ['wfts.fun%20and%20-possible', ["It's kind of fun to do the impossible"]],
    ['fts(french).amusant', ["C'est un peu amusant de faire l'impossible"]],
    ['plfts(french).amusant%20impossible', ["C'est un peu amusant de faire l'impossible"]],
    ['wfts(french).amusant%20impossible', ["C'est un peu amusant de faire l'impossible"]],
    ['phfts(german).Art%20Spass', ['Es ist eine Art Spaß, das Unmögliche zu machen']],
    ['not.fts(english).impossible%7Cfat%7Cfun', ['Es ist eine Art Spaß, das Unmögliche zu machen']],
  ])('%s on text and on jsonb', async (op, expected) => {
    const text = await get(`/tsearch_to_tsvector?select=text_search&text_search=${op}`)
    expect(text.status).toBe(200)
    expect(texts(text.body)).toEqual(expected)
    const json = await get(`/tsearch_to_tsvector?select=jsonb_search&jsonb_search=${op}`)
    expect(json.status).toBe(200)
    expect(json.body).toEqual(expected.map((t) => ({ jsonb_search: { text_search: t } })))
  })

  it('can be used with the or query param', async () => {
    const q = 'or=(text_search.phfts(german).Art%20Spass, text_search.phfts(french).amusant, text_search.fts(english).impossible)'
    expect(texts((await get(`/tsearch_to_tsvector?select=text_search&${q}`)).body)).toEqual([
      "It's kind of fun to do the impossible", "C'est un peu amusant de faire l'impossible", 'Es ist eine Art Spaß, das Unmögliche zu machen',
    ])
  })

  it('searches tsvector computed fields and tsvector domains as they are', async () => {
    const vector = "'do':7 'fun':5 'impossible':9 'it':1 'kind':3 'of':4 's':2 'the':8 'to':6"
    expect((await get('/tsearch_to_tsvector?select=text_search_vector&text_search_vector=fts(simple).of')).body).toEqual([{ text_search_vector: vector }])
    expect((await get('/tsearch_to_tsvector?select=text_search_domain&text_search_domain=fts(simple).of')).body).toEqual([{ text_search_domain: vector }])
    expect((await get('/tsearch_to_tsvector?select=text_search_rec_domain&text_search_rec_domain=fts(simple).of')).body).toEqual([{ text_search_rec_domain: vector }])
  })
})

describe('is.not_null (QuerySpec "matches not_null using is operator")', () => {
  it.each([
    ['a=is.not_null', [{ a: '1', b: 0 }, { a: '2', b: 0 }]],
    ['a=is.NoT_NuLl', [{ a: '1', b: 0 }, { a: '2', b: 0 }]],
    ['a=not.is.not_null', [{ a: null, b: null }]],
  ])('%s', async (filter, expected) => {
    expect(await get(`/no_pk?${filter}&order=a`)).toEqual({ status: 200, body: expected })
  })

  it('anything else after is. is a 400 PGRST100', async () => {
    const { status, body } = await get('/no_pk?a=is.nil')
    expect(status).toBe(400)
    expect(body).toMatchObject({ code: 'PGRST100' })
  })
})
