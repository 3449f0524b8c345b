/**
 * Arbitraries for the data API fuzz test (fuzz.int.test.ts): a corpus of valid PostgREST requests
 * on the conformance fixture (fixture.sql), and the mutations, headers, bodies, names and
 * identities the fuzzer draws from. Everything here is pure data and fast-check arbitraries; the
 * test file sends the requests and checks the answers.
 */
import fc from 'fast-check'

/** One request as the fuzzer sends it: `path` is relative to `/rest/v1` and includes the query. */
export interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
  /** `latin1`: the body's characters are sent as single bytes (so it can be invalid UTF-8). */
  bodyEncoding?: 'latin1'
}

// ------------------------------------------------------------------------------------------------
// Names

export const TABLES = [
  'films', 'directors', 'actors', 'roles', 'users', 'profiles', 'reviews', 'tags', 'film_tags',
  'messages', 'employees', 'gadgets', 'visits', 'notes', 'secrets', 'film_summaries', 'recent_films',
] as const

/** Tables whose row counts must survive the rollback-only write fuzzing. */
export const FIXTURE_TABLES = TABLES.filter((t) => t !== 'film_summaries' && t !== 'recent_films')

export const FUNCTIONS = [
  'add', 'films_by_director', 'get_film', 'film_stats', 'record_visit', 'describe_value', 'echo_payload',
  'fail_loudly', 'do_nothing',
] as const

const COLUMNS = [
  'id', 'title', 'director_id', 'year', 'rating', 'genre', 'budget', 'in_color', 'name', 'born', 'film_id',
  'actor_id', 'character', 'username', 'email', 'user_id', 'bio', 'stars', 'body', 'color', 'tag_id',
  'sender_id', 'recipient_id', 'manager_id', 'specs', 'labels', 'search', 'valid', 'period', 'page',
  'owner_id', 'value', 'director_name', 'n', 'data', 'tags', 'ref', 'created',
]

/** Names that are not quite a relation: misspelled, quoted, qualified, SQL-ish, encoded. */
const WEIRD_NAMES = [
  'film', 'Films', 'FILMS', 'filmz', 'flims', ' films', 'films ', '"films"', '%22films%22', "'films'",
  'public.films', 'public."films"', 'pg_catalog.pg_class', 'pg_roles', 'information_schema.tables',
  'auth.users', 'storage.objects', 'films;drop table x', 'films;drop%20table%20x', "films' or '1'='1",
  'films--', 'films/*x*/', 'films%00', '%00', 'films%2Fdirectors', 'films%2f..%2fsecrets', '..', '.', '%2e%2e',
  'rpc', 'films)', '(films)', 'films(id)', 'films!inner', 'films.id', 'films::text', 'fílms', '电影', '🎬',
  'films\u0000', 'a'.repeat(64), 'a'.repeat(5000), '$1', '*', 'films,directors', 'films%', '%zz', '%C3%28',
  'films%0d%0aSet-Cookie:%20x=1', 'select', 'null', 'undefined', '__proto__', 'constructor', 'toString',
  'fuzz_scratch', 'fuzz_scratch;truncate%20films',
]

export const tableNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...TABLES) },
  { weight: 3, arbitrary: fc.constantFrom(...WEIRD_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...FUNCTIONS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
)

export const functionNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...FUNCTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...WEIRD_NAMES, 'add;select%20pg_sleep(10)', 'ad', 'Add', 'pg_sleep', 'version', 'now') },
  { weight: 1, arbitrary: fc.constantFrom(...TABLES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
)

// ------------------------------------------------------------------------------------------------
// Corpus of valid query strings (without the leading `?`), by table

export const READ_CORPUS: Record<string, string[]> = {
  films: [
    '', 'select=*', 'select=id,title&order=id', 'select=id,name:title,year::text,score:rating::text',
    'select=title,directors(name)', 'select=id,director:directors(*)',
    'select=id,directors!inner(name)&directors.name=eq.Ridley%20Scott', 'select=id,directors!left(name)',
    'select=id,directors()&directors.born=gt.1950',
    'select=title,actors(name)&actors.order=name.desc&actors.limit=1&actors.offset=0',
    'select=title,roles(character,actors(name))', 'select=title,roles(character,...actors(actor:name))',
    'select=title,...directors(director_name:name,born)', 'select=title,tags(name)&tags.name=like.*a*',
    'select=id,reviews(stars)&reviews.stars=gte.4&reviews.order=stars.desc',
    'select=id,reviews!inner(stars)&reviews.or=(stars.eq.5,body.is.null)',
    'select=id,title,directors(name)&order=directors(name).desc.nullslast,id',
    'select=id&year=gt.1990&year=lt.2010', 'id=eq.1', 'id=neq.1', 'id=gte.3&id=lte.5', 'title=like.*Run*',
    'title=ilike.*THE*', 'title=match.^A', 'title=imatch.^a', 'id=in.(1,2,3)', 'title=in.("Alien","Blade Runner")',
    'budget=is.null', 'in_color=is.true', 'in_color=is.unknown', 'genre=isdistinct.drama', 'id=not.eq.1',
    'genre=not.in.(drama,scifi)', 'budget=not.is.null', 'title=not.like.*a*', 'rating=not.gte.8',
    'or=(year.lt.1980,genre.eq.drama)', 'and=(year.gte.1990,or(genre.eq.scifi,budget.is.null))',
    'not.or=(year.lt.2000,genre.eq.drama)', 'not.and=(id.gt.2,id.lt.6)',
    'or=(and(year.gt.1990,year.lt.2001),not.genre.eq.drama,title.ilike.*pi*)',
    'order=rating.desc.nullslast,id.asc', 'order=year.asc.nullsfirst&limit=3&offset=2',
    'select=id&order=id&limit=2&offset=1', 'select=id&order=id&offset=6', 'title=fts.alien',
    'title=plfts(english).blade%20runner', 'rating=gt.8.0', 'year=eq.abc', 'id=eq.99999999999',
    'select=count()', 'select=id,year::int4,genre::text', 'select=id&genre=eq.western', 'limit=0',
    'select=id,title&id=in.()', 'columns=id', 'select=id&title=is.%22Alien%22',
  ],
  directors: [
    'select=name,films(title,year)&films.order=year.desc', 'select=name,films!inner(title)&films.genre=eq.drama',
    'select=name,films(title,roles(character,actors(name)))', 'select=id,films()&films.year=gt.2000',
    'select=name,films(title)&films.or=(year.lt.1990,year.gt.2005)', 'select=name,born&order=born.desc',
    'select=name,films(title,reviews(stars,users(username)))', 'select=name,recent_films(title)',
  ],
  actors: ['select=name,films!inner(title)', 'select=name,films(title)&films.limit=1', 'name=ilike.*a*&order=name'],
  roles: ['select=character,films(title),actors(name)', 'film_id=eq.3&order=actor_id'],
  users: [
    'select=username,profiles(bio)', 'select=username,sent:messages!messages_sender_id_fkey(body)',
    'select=username,good:reviews(stars)&good.stars=eq.5', 'email=is.null', 'select=username,messages(body)',
  ],
  profiles: ['select=bio,users(username)', 'select=*,users(*)'],
  reviews: ['select=stars,films(title,directors(name))', 'select=stars,body,films(title),users(username)', 'body=is.null'],
  tags: ['select=id,name,color&color=eq.grey', 'select=name,films(title)', 'color=neq.grey&order=name'],
  film_tags: ['select=films(title),tags(name)', 'tag_id=eq.1'],
  messages: [
    'select=id,users(username)', 'select=id,from:users!sender_id(username),to:users!recipient_id(username)',
    'select=id,sender:users!messages_sender_id_fkey(username)', 'body=like.hi*',
  ],
  employees: ['select=name,manager:manager_id(name),reports:employees!manager_id(name)', 'manager_id=is.null'],
  gadgets: [
    'select=id,brand:specs->>brand,specs->dims->w,specs->dims->>h,weight:specs->weight',
    'specs->>brand=eq.Acme', 'specs=cs.{"brand":"Acme"}', 'specs->dims=cd.{"w":10,"h":20,"d":1}',
    'labels=cs.{tool}', 'labels=cd.{tool,metal,toy}', 'labels=ov.{toy,metal}', 'search=fts.fox',
    'search=plfts.brown%20dog', 'search=phfts(english).lazy%20dog', 'search=wfts(english).fox%20or%20dog',
    'search=not.fts.fox', 'valid=sl.[30,40)', 'valid=sr.[0,1)', 'valid=nxl.[5,6)', 'valid=nxr.[5,6)',
    'valid=adj.[30,40)', 'period=ov.[2024-01-15,2024-02-15)', 'order=specs->weight.desc.nullslast',
    'select=id,specs->>weight::numeric,first_color:specs->colors->>0', 'select=specs->>brand::int',
    'specs->weight=gt.1', 'labels=eq.{}', 'valid=cs.5', 'period=cs.2024-01-10',
  ],
  visits: ['select=page', 'page=eq.home'],
  notes: ['select=owner_id,body', 'owner_id=eq.11111111-1111-4111-8111-111111111111', 'owner_id=eq.not-a-uuid'],
  secrets: ['select=*', 'id=eq.1'],
  film_summaries: ['select=*&order=id', 'director_name=is.null', 'select=title,director_name&year=gte.2000'],
  recent_films: ['select=title,directors(name)', 'order=year.desc&limit=2'],
}

/** Query strings for writes (select= shapes the representation; filters pick rows to change). */
export const WRITE_QUERY_CORPUS: Record<string, string[]> = {
  films: ['', 'select=id,title', 'id=eq.1', 'genre=eq.scifi', 'id=eq.50', 'select=id,directors(name)', 'columns=id,title,year',
    'on_conflict=id', 'id=eq.1&limit=1&order=id', 'order=id&limit=2', 'year=lt.1990&select=*'],
  tags: ['', 'id=eq.1', 'id=eq.30', 'select=id,name', 'columns=id,name', 'columns=id,name,color', 'on_conflict=name',
    'on_conflict=id&select=*', 'color=eq.grey', 'id=eq.100'],
  roles: ['on_conflict=film_id,actor_id&select=film_id,actor_id,character', 'film_id=eq.1&actor_id=eq.1', 'select=*,films(title)'],
  reviews: ['', 'select=id,stars', 'id=eq.1', 'stars=lt.3', 'columns=film_id,user_id,stars'],
  directors: ['id=eq.1', 'id=eq.4', 'select=id,name,films(title)', ''],
  gadgets: ['', 'id=eq.1', 'select=id,specs->brand', 'labels=cs.{tool}'],
  actors: ['id=eq.10', 'name=eq.Uncast%20Actor', ''],
  users: ['id=eq.4', 'on_conflict=username', ''],
  notes: ['', 'select=owner_id,body', 'id=eq.1'],
  secrets: ['id=eq.1', ''],
  visits: ['', 'page=eq.home'],
  film_summaries: ['id=eq.1', ''],
  employees: ['id=eq.4', ''],
  messages: ['id=eq.1', ''],
  profiles: ['user_id=eq.1', 'on_conflict=user_id'],
  film_tags: ['film_id=eq.1&tag_id=eq.1', ''],
}

/** Valid (or meaningfully invalid) JSON bodies by table. */
export const BODY_CORPUS: Record<string, unknown[]> = {
  films: [
    { id: 50, title: 'Fuzz', year: 2001, director_id: 1, rating: 5.5, genre: 'comedy', budget: 1, in_color: true },
    { id: 1, title: 'Alien', year: 1979 }, { id: 51, title: 'Y', year: 1800 }, { id: 52, title: 'Y', year: 2001, director_id: 99 },
    { id: 53, title: 'Z', year: 2002, genre: 'western' }, { id: 54, title: 'T', year: 2003, rating: 123.45 },
    { year: 'abc' }, { title: null }, { rating: 8 }, { budget: 2147483648 },
    [{ id: 55, title: 'A', year: 2000 }, { id: 56, title: 'B', year: 2001, genre: 'drama' }],
  ],
  tags: [
    { id: 100, name: 'fuzz', color: 'pink' }, [{ id: 101, name: 'a' }, { id: 102, name: 'b', color: 'c' }],
    { id: 1, name: 'classic', color: 'red' }, { name: null }, { id: 30, name: 'neo-noir', color: 'red' }, { id: 2 }, {},
    [], [{}], [{ id: 103 }, { name: 'x' }],
  ],
  roles: [{ film_id: 1, actor_id: 1, character: 'Ellen Ripley' }, { film_id: 1, actor_id: 99, character: 'x' }, [{ film_id: 2, actor_id: 1, character: 'x' }]],
  reviews: [{ film_id: 1, user_id: 1, stars: 6 }, { film_id: 1, user_id: 1, stars: 3, body: 'ok' }, { stars: 2 }],
  directors: [{ id: 5, name: 'New' }, { name: 'Renamed' }, { id: 1, name: 'Ridley Scott', born: 1937 }],
  gadgets: [
    { id: 9, name: 'g', specs: { a: [1, 2], b: { c: null } }, labels: ['x'], valid: '[1,5)', period: '[2024-01-01,2024-01-10)' },
    { id: 10, name: 'g', labels: 'notarray' }, { id: 11, name: 'g', valid: '[5,1)' }, { id: 12, name: 'g', search: 'a & b' },
    { id: 13, name: 'g', period: 'not a range' },
  ],
  actors: [{ id: 11, name: 'Sigourney Weaver' }, { id: 12, name: 'New Actor' }],
  users: [{ id: 5, username: 'eve' }, { id: 6, username: 'alice' }],
  notes: [{ body: 'x' }, { owner_id: 'not-a-uuid', body: 'x' }, { owner_id: '22222222-2222-4222-8222-222222222222', body: 'x' }],
  secrets: [{ id: 2, value: 'x' }],
  visits: [{ page: 'home' }, { id: 1, page: 'x' }],
  film_summaries: [{ title: 'x' }],
  employees: [{ id: 5, name: 'E', manager_id: 5 }],
  messages: [{ id: 4, sender_id: 1, recipient_id: 2, body: 'x' }],
  profiles: [{ user_id: 3, bio: 'x' }, { user_id: 1, bio: 'y' }],
  film_tags: [{ film_id: 1, tag_id: 5 }, { film_id: 1, tag_id: 1 }],
}

export const RPC_GET_CORPUS: Record<string, string[]> = {
  add: ['a=1&b=2', 'a=1', 'a=x&b=2', 'a=2147483647&b=1', 'a=1&b=2&c=3', ''],
  films_by_director: ['director_id=1&select=id,title&order=id.desc&limit=1', 'director_id=1&year=gt.1980',
    'director_id=2&select=title,directors(name)', 'director_id=1&or=(id.eq.1,id.eq.3)', 'director_id=abc'],
  get_film: ['film_id=1&select=title,directors(name)', 'film_id=999', 'film_id=1'],
  film_stats: ['order=film_count.desc', 'director=like.*a*', 'select=director', 'limit=1&offset=1'],
  record_visit: ['page=home'],
  describe_value: ['n=3', 's=x', 'n=3&s=x', 'x=1', ''],
  echo_payload: ['', 'x=1'],
  fail_loudly: [''],
  do_nothing: [''],
}

export const RPC_BODY_CORPUS: Record<string, unknown[]> = {
  add: [{ a: 1, b: 2 }, { a: 1 }, { a: 'x', b: 2 }, { a: 2147483647, b: 1 }, [{ a: 1, b: 2 }, { a: 3, b: 4 }]],
  films_by_director: [{ director_id: 1 }, { director_id: null }, { director_id: [1] }],
  get_film: [{ film_id: 2 }, { film_id: 999 }],
  film_stats: [{}],
  record_visit: [{ page: 'home' }, { page: null }],
  describe_value: [{ n: 3 }, { s: 'x' }, { n: 3, s: 'x' }, {}],
  echo_payload: [{ anything: [1, 2] }, [1, 2, 3], 'str', null],
  fail_loudly: [{}],
  do_nothing: [{}, { x: 1 }],
}

export const RPC_QUERY_FOR_POST = ['', 'select=id,title', 'order=id&limit=1', 'id=gt.1', 'select=director', 'columns=a,b']

// ------------------------------------------------------------------------------------------------
// Mutations of strings (query strings and bodies)

const NASTY_FRAGMENTS = [
  '(', ')', ',', '.', ':', '::', '!', '*', '"', "'", '\\', '%', '&', '=', '?', '#', '+', '-', ' ', '->', '->>',
  '...', 'not.', 'or=(', 'and(', '!inner', '!left', '%00', '%zz', '%FF', '%C3%28', '%E2%82', '%ED%A0%80', '%2C', '%28',
  '%29', '%22', '%5C', '\u0000', '\u00e9', '\u200b', '\ud83c\udfac', '\ud800', '\uffff', 'é', '9223372036854775808',
  '99999999999999999999999999', '-1', '-2147483649', '1e309', 'NaN', 'Infinity', '0x10', '1.5', 'null', 'true',
  '[]', '{}', '{', '}', '[', ']', ';drop table films;--', "' or 1=1--", '$1', '$$', '\\x00', 'select=', '&select=*',
  '&order=', '&limit=', '&offset=-1', '&limit=999999999999', '&on_conflict=', '&columns=', 'films(', '(films(',
]

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicateParam'; index: number }
  | { kind: 'dropParam'; index: number }
  | { kind: 'swapParams'; a: number; b: number }
  | { kind: 'numbers'; text: string }
  | { kind: 'repeat'; at: number; length: number; times: number }

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })

const fragmentArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY_FRAGMENTS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 4, unit: 'grapheme' }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 4, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
)

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fraction, text: fragmentArb }),
  fc.record({ kind: fc.constant('delete' as const), at: fraction, length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fraction, text: fragmentArb }),
  fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
  fc.record({ kind: fc.constant('duplicateParam' as const), index: fc.nat(20) }),
  fc.record({ kind: fc.constant('dropParam' as const), index: fc.nat(20) }),
  fc.record({ kind: fc.constant('swapParams' as const), a: fc.nat(20), b: fc.nat(20) }),
  fc.record({
    kind: fc.constant('numbers' as const),
    text: fc.constantFrom('-1', '0', '-0', '99999999999999999999', '9223372036854775807', '2147483648', '1e400', '-99999999999', '1.', '.5', 'NaN'),
  }),
  fc.record({ kind: fc.constant('repeat' as const), at: fraction, length: fc.integer({ min: 1, max: 16 }), times: fc.integer({ min: 2, max: 2000 }) }),
)

function applyMutation(s: string, m: Mutation, separator: string): string {
  const pos = (f: number) => Math.floor(f * (s.length + 1))
  switch (m.kind) {
    case 'insert': {
      const at = pos(m.at)
      return s.slice(0, at) + m.text + s.slice(at)
    }
    case 'delete': {
      const at = pos(m.at)
      return s.slice(0, at) + s.slice(at + m.length)
    }
    case 'replace': {
      const at = pos(m.at)
      return s.slice(0, at) + m.text + s.slice(at + Math.max(1, m.text.length))
    }
    case 'truncate':
      return s.slice(0, pos(m.at))
    case 'duplicateParam': {
      const parts = s.split(separator)
      const p = parts[m.index % parts.length] ?? ''
      return [...parts, p].join(separator)
    }
    case 'dropParam': {
      const parts = s.split(separator)
      parts.splice(m.index % parts.length, 1)
      return parts.join(separator)
    }
    case 'swapParams': {
      const parts = s.split(separator)
      const a = m.a % parts.length
      const b = m.b % parts.length
      const t = parts[a] ?? ''
      parts[a] = parts[b] ?? ''
      parts[b] = t
      return parts.join(separator)
    }
    case 'numbers':
      return s.replace(/\d+/g, () => m.text)
    case 'repeat': {
      const at = pos(m.at)
      const piece = s.slice(at, at + m.length) || 'x'
      // Keep the whole thing well under the body limit and sane for a URL.
      const times = Math.min(m.times, Math.floor(20_000 / piece.length))
      return s.slice(0, at) + piece.repeat(times) + s.slice(at + m.length)
    }
  }
}

/** A string after 0..n mutations; shrinks toward the unmutated original. */
export function mutated(base: fc.Arbitrary<string>, separator: string, maxMutations = 4): fc.Arbitrary<string> {
  return fc
    .tuple(base, fc.array(mutationArb, { maxLength: maxMutations }))
    .map(([s, ms]) => ms.reduce((acc, m) => applyMutation(acc, m, separator), s))
}

// ------------------------------------------------------------------------------------------------
// Query strings

const filterOps = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch', 'in', 'is', 'isdistinct',
  'fts', 'plfts', 'phfts', 'wfts', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxl', 'nxr', 'adj', 'all', 'any', 'xx']
const filterValues = ['1', '0', '-1', 'abc', 'null', 'true', 'unknown', '(1,2,3)', '()', '("a,b","c")', '{a,b}', '{}',
  '{"a":1}', '[1,10)', '(,)', 'empty', '2024-01-01', '*a*', '^A.*$', '(', 'fox', '%25', '', '99999999999999999999', '1.5e10']

const CASTS = ['text', 'int', 'int8', 'numeric', 'json', 'jsonb', 'bool', 'date', 'uuid', 'xml', 'regclass', 'regproc',
  'void', 'record', '"char"', 'text[]', 'int[][]', 'pg_catalog.text', 'nonexistent_type', 'int4range', 'tsvector', 'bytea',
  'money', 'interval', 'float8', 'oid', 'name', 'anyelement', 'cstring', 'trigger', 'films', 'character varying(3)']
const JSON_PATHS = ['->a', '->>a', '->0', '->>0', '->-1', "->'a'", '->"a b"', '->dims->w', '->dims->>h', '->colors->>0', '->>brand',
  '->>weight', '->a->b->c->d->e->f', '->', '->>', '->>""', '->999999999999999999999']
const EMBED_CHAIN = ['films', 'directors']

/** Embeds nested `depth` levels, alternating films and directors: past the depth limit it is a 400. */
function nestedEmbed(depth: number, root: 'films' | 'directors'): string {
  let inner = 'id'
  for (let i = depth; i > 0; i--) inner = `id,${EMBED_CHAIN[(i + (root === 'films' ? 1 : 0)) % 2]}(${inner})`
  return `select=${inner}`
}

/** A synthetic filter/select/order/limit parameter, valid-ish by construction. */
const syntheticParamArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...COLUMNS), fc.constantFrom(...CASTS)).map(([c, t]) => `select=id,${c}::${t}`),
  fc.tuple(fc.constantFrom('specs', 'data', 'labels', 'title', 'id'), fc.constantFrom(...JSON_PATHS), fc.option(fc.constantFrom(...CASTS), { nil: undefined })).map(([c, p, t]) => `select=id,${c}${p}${t === undefined ? '' : `::${t}`}`),
  fc.tuple(fc.constantFrom('specs', 'data', 'title'), fc.constantFrom(...JSON_PATHS), fc.constantFrom(...filterOps), fc.constantFrom(...filterValues)).map(([c, p, op, v]) => `${c}${p}=${op}.${v}`),
  fc.tuple(fc.constantFrom('specs', 'data', 'title'), fc.constantFrom(...JSON_PATHS), fc.constantFrom('asc', 'desc')).map(([c, p, d]) => `order=${c}${p}.${d}`),
  fc.tuple(fc.integer({ min: 1, max: 14 }), fc.constantFrom('films' as const, 'directors' as const)).map(([d, r]) => nestedEmbed(d, r)),
  fc.constantFrom('order=reviews(stars)', 'order=directors(name).desc', 'order=directors(nope)', 'order=actors(name)', 'directors.order=name',
    'reviews.limit=1', 'reviews.offset=-1', 'films.limit=99999999999999999999', 'offset=9223372036854775807', 'limit=9223372036854775808',
    'title=fts(nonexistent).x', "title=fts(english'x).x", 'title=match.(', 'title=imatch.[', 'period=adj.[2024-13-01,)', 'valid=sl.garbage',
    'specs=cs.not-json', 'labels=cs.{', 'labels=ov.{"a', 'id=in.(1,', 'id=in.(1,2)))', 'id=is.', 'id=eq', 'id', '=', '&&&', 'select=',
    'select=*,*', 'select=id:', 'select=:id', 'select=...films(id)', 'select=films!inner!left(id)', 'select=directors!nope(name)', 'on_conflict=nope',
    'columns=nope', 'columns=', 'select=count()', 'select=id.count()', 'select=sum(id)', 'select=id,count()', 'select=json_agg(x)'),
  fc.constantFrom(...COLUMNS).chain((c) => fc.constantFrom(`order=${c}.asc.nullsfirst.nullslast`, `order=${c}..`, `order=${c}.desc,`, `${c}.order=${c}`)),

  fc
    .tuple(fc.constantFrom(...COLUMNS), fc.boolean(), fc.constantFrom(...filterOps), fc.option(fc.constantFrom('(english)', '(simple)', '(xx)'), { nil: '' }), fc.constantFrom(...filterValues))
    .map(([c, not, op, cfg, v]) => `${c}=${not ? 'not.' : ''}${op}${cfg}.${v}`),
  fc.tuple(fc.constantFrom(...COLUMNS), fc.constantFrom('asc', 'desc', ''), fc.constantFrom('nullsfirst', 'nullslast', '')).map(([c, d, n]) => `order=${[c, d, n].filter(Boolean).join('.')}`),
  fc.oneof(fc.nat(), fc.integer({ min: -5, max: 5 }), fc.constant(Number.MAX_SAFE_INTEGER)).map((n) => `limit=${n}`),
  fc.oneof(fc.nat(), fc.integer({ min: -5, max: 5 })).map((n) => `offset=${n}`),
  fc.array(fc.constantFrom(...COLUMNS, '*', 'films(*)', 'directors(name)', 'x:id', 'id::text', 'specs->a->>b'), { minLength: 1, maxLength: 6 }).map((cs) => `select=${cs.join(',')}`),
  fc.array(fc.constantFrom(...COLUMNS), { minLength: 1, maxLength: 4 }).map((cs) => `columns=${cs.join(',')}`),
  fc.array(fc.constantFrom(...COLUMNS), { minLength: 1, maxLength: 3 }).map((cs) => `on_conflict=${cs.join(',')}`),
)

/** Logic trees nested to some depth: `or=(a.eq.1,and(b.gt.2,not.or(...)))`. */
const logicTreeArb: fc.Arbitrary<string> = fc
  .letrec<{ tree: string; cond: string }>((tie) => ({
    cond: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(fc.constantFrom(...COLUMNS), fc.boolean(), fc.constantFrom(...filterOps), fc.constantFrom(...filterValues)).map(([c, not, op, v]) => `${c}.${not ? 'not.' : ''}${op}.${v}`),
      tie('tree'),
    ),
    tree: fc
      .tuple(fc.boolean(), fc.constantFrom('or', 'and'), fc.array(tie('cond'), { minLength: 1, maxLength: 4 }))
      .map(([not, op, cs]) => `${not ? 'not.' : ''}${op}(${cs.join(',')})`),
  }))
  .tree.map((t) => t.replace(/^(not\.)?(or|and)\(/, '$1$2=('))

/** Nesting deep enough to exhaust a recursive parser, the planner or Postgres's stack. */
const DEEP_QUERIES = [2_000, 5_000].flatMap((n) => [
  `select=${'films('.repeat(n)}id${')'.repeat(n)}`,
  `select=id,${'x:films('.repeat(n)}${')'.repeat(n)}`,
  `or=(${'and('.repeat(n)}id.eq.1${')'.repeat(n)})`,
  `or=(${'not.or('.repeat(n)}id.eq.1${')'.repeat(n)})`,
  `select=specs${'->a'.repeat(n)}`,
  `order=${'specs'}${'->a'.repeat(n)}`,
  `id=in.(${'('.repeat(n)})`,
  `select=${'('.repeat(n)}`,
])

/** A query string: from the corpus (maybe mutated), synthetic parameters, or both. */
export function queryArb(corpus: string[]): fc.Arbitrary<string> {
  const base = corpus.length > 0 ? fc.constantFrom(...corpus) : fc.constant('')
  const combined = fc
    .tuple(base, fc.array(fc.oneof(syntheticParamArb, logicTreeArb), { maxLength: 4 }))
    .map(([b, extra]) => [b, ...extra].filter((p) => p !== '').join('&'))
  return fc.oneof(
    { weight: 3, arbitrary: base },
    { weight: 5, arbitrary: mutated(base, '&') },
    { weight: 3, arbitrary: combined },
    { weight: 3, arbitrary: mutated(combined, '&') },
    { weight: 1, arbitrary: fc.string({ maxLength: 60, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.constantFrom(...DEEP_QUERIES) },
    { weight: 1, arbitrary: fc.constantFrom('select=' + 'id,'.repeat(3000) + 'id', 'id=in.(' + '1,'.repeat(5000) + '1)', 'x'.repeat(20_000), 'select=' + 'films('.repeat(50) + 'id' + ')'.repeat(50), 'or=' + '('.repeat(500) + 'id.eq.1' + ')'.repeat(500), Array.from({ length: 300 }, (_, i) => `id=neq.${i}`).join('&')) },
  )
}

/** `path` (with `?query` when non-empty) for a table or `/rpc/<fn>`. */
export function withQuery(path: string, query: string): string {
  return query === '' ? path : `${path}?${query}`
}

// ------------------------------------------------------------------------------------------------
// Headers

const PREFER_TOKENS = [
  'return=representation', 'return=minimal', 'return=headers-only', 'count=exact', 'count=planned', 'count=estimated',
  'resolution=merge-duplicates', 'resolution=ignore-duplicates', 'missing=default', 'missing=null', 'handling=strict',
  'handling=lenient', 'params=single-object', 'tx=commit', 'tx=rollback', 'max-affected=1', 'max-affected=0',
  'max-affected=-1', 'max-affected=99999999999999999999', 'timezone=UTC', 'timezone=America/Los_Angeles', 'timezone=Nowhere/x',
  'return=', 'count=', 'return=everything', 'return', 'plurality=singular', 'params=multiple-objects', 'garbage', '',
  ';;;', '=', 'return=representation;q=1', 'RETURN=REPRESENTATION',
]

/** A Prefer value: a few known and unknown tokens, or junk. */
export const preferArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.constantFrom(...PREFER_TOKENS), { minLength: 1, maxLength: 4 }).map((ts) => ts.join(', ')) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...PREFER_TOKENS), { minLength: 1, maxLength: 4 }).map((ts) => ts.join(',')) },
  { weight: 1, arbitrary: mutated(fc.constantFrom('return=representation, count=exact', 'resolution=merge-duplicates,return=minimal'), ',') },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
)

const ACCEPTS = [
  'application/json', '*/*', 'application/vnd.pgrst.object+json', 'application/vnd.pgrst.object',
  'application/vnd.pgrst.object+json;nulls=stripped', 'application/vnd.pgrst.array+json;nulls=stripped', 'text/csv',
  'text/csv, application/json;q=0.5', 'application/json;q=0', 'text/html', 'application/xml', 'image/png',
  'application/openapi+json', 'application/vnd.pgrst.plan+json', 'application/geo+json', 'application/octet-stream',
  'text/plain', '', ',', ';q=', 'application/json;q=abc', '*/*;q=0.1, text/csv;q=0.9', 'garbage', 'application/*', 'text/*',
]

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json;charset=latin1', 'text/csv',
  'text/csv; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream',
  'multipart/form-data; boundary=x', 'application/vnd.pgrst.object+json', 'application/vnd.pgrst.array+json', 'image/png',
  'application/xml', 'garbage', '', 'application/json; boundary=', 'APPLICATION/JSON',
]

const PROFILES = ['public', 'PUBLIC', 'auth', 'storage', 'pg_catalog', 'information_schema', 'floe', '', ' public', 'public,auth', '"public"', 'x'.repeat(200)]

const RANGES = ['0-1', '1-2', '0-', '1-', '5-2', '-1', '0-0', '100-200', 'abc', '0-99999999999999999999', 'items=0-1', '0--1', ' 0 - 1 ', '', '1-1,3-4']
const RANGE_UNITS = ['items', 'bytes', 'garbage', '', 'ITEMS']

/** Header values that a client can actually send: no CR/LF/NUL, nothing beyond Latin-1. */
export function sendableHeaderValue(v: string): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')
}

/** `arb` in about `percent`% of draws, else absent (shrinks toward absent). */
function sometimes<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary: arb })
}

/** Mostly the valid value, sometimes another or a mutated one. */
function mostly(valid: string[], others: string[], separator: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...valid) },
    { weight: 3, arbitrary: fc.constantFrom(...others) },
    { weight: 1, arbitrary: mutated(fc.constantFrom(...valid, ...others), separator) },
  )
}

/**
 * Random request headers. Each is present only some of the time and mostly valid, so that most
 * requests get past content negotiation to the engine; the invalid values still come often.
 */
export const randomHeadersArb: fc.Arbitrary<Record<string, string>> = fc
  .record({
    Prefer: sometimes(fc.oneof({ weight: 4, arbitrary: preferArb }, { weight: 1, arbitrary: fc.array(preferArb, { minLength: 2, maxLength: 3 }).map((ps) => ps.join(', ')) }), 60),
    Range: sometimes(mostly(RANGES.slice(0, 4), RANGES.slice(4), '-'), 15),
    'Range-Unit': sometimes(mostly(['items'], RANGE_UNITS, ','), 10),
    Accept: sometimes(mostly(ACCEPTS.slice(0, 7), ACCEPTS.slice(7), ','), 40),
    'Accept-Profile': sometimes(mostly(['public'], PROFILES, ','), 15),
    'Content-Profile': sometimes(mostly(['public'], PROFILES, ','), 15),
    'X-Random': sometimes(fc.string({ maxLength: 20 }), 5),
    'If-None-Match': sometimes(fc.constantFrom('*', '"x"', 'W/"1"'), 3),
    Origin: sometimes(fc.constantFrom('http://example.com', 'null', 'garbage'), 5),
    'Access-Control-Request-Method': sometimes(fc.constantFrom('GET', 'POST', 'DELETE', 'FOO'), 3),
  })
  .map((h) =>
    Object.fromEntries(
      Object.entries(h).flatMap(([k, v]) => (v === undefined ? [] : [[k, sendableHeaderValue(v)]])),
    ),
  )

// ------------------------------------------------------------------------------------------------
// Bodies

const SCALARS = [0, -1, 1.5, 2147483648, 1e308, -1e308, '', 'x', 'é', '\u0000', '\ud800', 'a'.repeat(10_000), true, false, null,
  '2024-01-01', '[1,5)', '{a,b}', '11111111-1111-4111-8111-111111111111', 'not-a-uuid', "'; drop table films; --"]

const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SCALARS) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
)

/** A row-like object over known and unknown column names. */
export const rowArb: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...COLUMNS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
  valueArb,
  { maxKeys: 6 },
)

function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
}

export interface BodyChoice {
  body: string
  contentType?: string
  bodyEncoding?: 'latin1'
}

/** Bytes that are not UTF-8 (lone continuation bytes, overlong forms, a truncated sequence), as latin1 text. */
const INVALID_UTF8 = ['{"name":"\xff\xfe"}', '{"name":"\xc0\xaf"}', '{"name":"\xe2\x82"}', '[{"id":1,"name":"\x80"}]', '\xef\xbb\xbf{}', '\xff']

/** A body for a table (or function) whose corpus entries are given. */
export function bodyArb(corpus: unknown[]): fc.Arbitrary<BodyChoice> {
  const valid = corpus.length > 0 ? fc.constantFrom(...corpus) : fc.constant({})
  const json: fc.Arbitrary<string> = fc.oneof(
    { weight: 5, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: 3, arbitrary: rowArb.map((r) => JSON.stringify(r)) },
    { weight: 2, arbitrary: fc.array(rowArb, { maxLength: 5 }).map((rs) => JSON.stringify(rs)) },
    { weight: 4, arbitrary: mutated(valid.map((v) => JSON.stringify(v)), ',') },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '"x"', '1', 'true', '[]', '{}', '[[]]', '[1,2]', '[{}, 1]', '}{ x = 2', '{"a":}', '{"a":1,"a":2}', '\u0000', '{"\u0000":1}', '{"id":"\\u0000"}', '\ufeff{}', 'id,name\n1,x') },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 10, max: 100_000 }), fc.constantFrom('array' as const, 'object' as const)).map(([d, k]) => nested(d, k)) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.integer({ min: 100, max: 5_000 })).map(([v, n]) => JSON.stringify(Array.from({ length: n }, (_, i) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v, id: 1_000 + i } : v)))) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  )
  return fc.oneof(
    { weight: 8, arbitrary: json.map((body) => ({ body, contentType: 'application/json' })) },
    { weight: 3, arbitrary: fc.tuple(json, fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined })).map(([body, contentType]) => (contentType === undefined ? { body } : { body, contentType })) },
    { weight: 1, arbitrary: fc.constantFrom('id,name\n200,x', 'id,name,color\n201,"a,b",c\n202,d,', 'id\n', '', 'a,b\n"unterminated', 'id,name\n203,NULL').map((body) => ({ body, contentType: 'text/csv' })) },
    { weight: 1, arbitrary: fc.constantFrom('a=1&b=2', 'id=1&name=x', 'director_id=1', 'page=home&page=x', 'n=%zz', '=&=', '').map((body) => ({ body, contentType: 'application/x-www-form-urlencoded' })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.constantFrom('application/json', 'text/csv', 'application/json; charset=latin1')).map(([body, contentType]) => ({ body, contentType, bodyEncoding: 'latin1' as const })) },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/octet-stream', 'text/xml').chain((contentType) => fc.string({ maxLength: 30 }).map((body) => ({ body, contentType }))) },
  )
}

// ------------------------------------------------------------------------------------------------
// Methods

export const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const
export const WRITE_METHODS = ['POST', 'PATCH', 'PUT', 'DELETE'] as const
/** Everything `new Request()` accepts, incl. lower-case `patch` (not normalised) and unknown verbs. */
export const ODD_METHODS = ['patch', 'get', 'PROPFIND', 'FOO', 'LINK', 'QUERY'] as const

/** One line per request, for assertion messages: enough to replay it with curl or app.request. */
export function describeRequest(r: FuzzRequest, max = 600): string {
  const body = r.body === undefined ? '' : `\n  body (${r.body.length} chars): ${JSON.stringify(r.body.length > max ? `${r.body.slice(0, max)}…` : r.body)}`
  const path = r.path.length > max ? `${r.path.slice(0, max)}… (${r.path.length} chars)` : r.path
  const encoding = r.bodyEncoding === undefined ? '' : `\n  body sent as ${r.bodyEncoding} bytes`
  return `${r.method} /rest/v1${path}\n  headers: ${JSON.stringify(r.headers)}${body}${encoding}`
}
