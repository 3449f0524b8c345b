/**
 * Conformance: reads on `/rest/v1` (issue 4, point 2) through @supabase/postgrest-js.
 * Expected bodies follow PostgREST 12 (v12.2.12): QuerySpec.hs, AndOrParamsSpec.hs,
 * JsonOperatorSpec.hs, RangeSpec.hs, SingularSpec.hs and src/PostgREST/RangeQuery.hs.
 * PostgREST adds no implicit ORDER BY, so every multi-row request here orders explicitly.
 */
import { describe, expect, it } from 'vitest'
import { ids, useRest, type Client, type RestHarness } from './setup.js'

let h: RestHarness
let db: Client
useRest((harness) => {
  h = harness
  db = harness.anon
})

describe('select', () => {
  it('returns every column with *', async () => {
    const { data, error, status } = await db.from('directors').select('*').order('id')
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toEqual([
      { id: 1, name: 'Ridley Scott', born: 1937 },
      { id: 2, name: 'Kathryn Bigelow', born: 1951 },
      { id: 3, name: 'Ang Lee', born: 1954 },
      { id: 4, name: 'Agnes Varda', born: 1928 },
    ])
  })

  it('renders each column type as PostgreSQL JSON does (numeric, enum, boolean, null)', async () => {
    const { data } = await db.from('films').select().eq('id', 6)
    expect(data).toEqual([
      { id: 6, title: 'Crouching Tiger, Hidden Dragon', director_id: 3, year: 2000, rating: 7.9, genre: 'drama', budget: null, in_color: true },
    ])
  })

  it('renders arrays, ranges and daterange', async () => {
    const { data } = await db.from('gadgets').select('id,labels,valid,period').in('id', [1, 4]).order('id')
    expect(data).toEqual([
      { id: 1, labels: ['tool', 'metal'], valid: '[1,10)', period: '[2024-01-01,2024-02-01)' },
      { id: 4, labels: [], valid: null, period: null },
    ])
  })

  it('picks, renames and casts columns', async () => {
    const { data } = await db.from('films').select('id, name:title, year::text, score:rating::text').in('id', [1, 2]).order('id')
    expect(data).toEqual([
      { id: 1, name: 'Alien', year: '1979', score: '8.5' },
      { id: 2, name: 'Blade Runner', year: '1982', score: '8.1' },
    ])
  })

  it('selects JSON paths with -> and ->> (key named after the last path element)', async () => {
    const { data } = await db
      .from('gadgets')
      .select('id, brand:specs->>brand, specs->dims->w, specs->dims->>h, weight:specs->weight')
      .in('id', [1, 2, 4])
      .order('id')
    expect(data).toEqual([
      { id: 1, brand: 'Acme', w: 10, h: '20', weight: 1.5 },
      { id: 2, brand: 'Globex', w: 5, h: '8', weight: 3 },
      { id: 4, brand: null, w: null, h: null, weight: null },
    ])
  })

  it('casts a JSON path and indexes JSON arrays', async () => {
    // JsonOperatorSpec: "obtains a json subfield two levels with casting (int)" and "with array index".
    const { data } = await db.from('gadgets').select('id, specs->>weight::numeric, first_color:specs->colors->>0').in('id', [1, 3]).order('id')
    expect(data).toEqual([
      { id: 1, weight: 1.5, first_color: 'red' },
      { id: 3, weight: 0.5, first_color: null },
    ])
  })

  it('reads a view', async () => {
    const { data } = await db.from('film_summaries').select('*').in('id', [1, 7]).order('id')
    expect(data).toEqual([
      { id: 1, title: 'Alien', year: 1979, director_name: 'Ridley Scott' },
      { id: 7, title: 'Orphan Reel', year: 1925, director_name: null },
    ])
  })

  it('returns [] with 200 when nothing matches', async () => {
    const { data, error, status } = await db.from('films').select('id').eq('id', 999)
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toEqual([])
  })
})

type Filter = (q: ReturnType<ReturnType<Client['from']>['select']>) => ReturnType<ReturnType<Client['from']>['select']>

// Every operator of issue 4 point 2, with and without `not.`. Expected ids were read off fixture.sql
// (NULLs never match an operator nor its negation, as in SQL).
const filmFilters: Array<[string, Filter, number[]]> = [
  ['eq', (q) => q.eq('year', 2000), [3, 6]],
  ['not.eq', (q) => q.not('year', 'eq', 2000), [1, 2, 4, 5, 7, 8]],
  ['neq', (q) => q.neq('genre', 'drama'), [1, 2, 5]],
  ['not.neq', (q) => q.not('genre', 'neq', 'drama'), [3, 4, 6, 8]],
  ['gt', (q) => q.gt('rating', 8), [1, 2, 3]],
  ['not.gt', (q) => q.not('rating', 'gt', 8), [4, 5, 6, 8]],
  ['gte', (q) => q.gte('year', 2000), [3, 4, 6, 8]],
  ['not.gte', (q) => q.not('year', 'gte', 2000), [1, 2, 5, 7]],
  ['lt', (q) => q.lt('budget', 20), [1, 4]],
  ['not.lt', (q) => q.not('budget', 'lt', 20), [2, 3, 5, 8]],
  ['lte', (q) => q.lte('year', 1982), [1, 2, 7]],
  ['not.lte', (q) => q.not('year', 'lte', 1982), [3, 4, 5, 6, 8]],
  ['like with *', (q) => q.like('title', '*Blade*'), [2]],
  ['like with %', (q) => q.like('title', '%Days'), [5]],
  ['not.like', (q) => q.not('title', 'like', '*Blade*'), [1, 3, 4, 5, 6, 7, 8]],
  ['ilike', (q) => q.ilike('title', '*A*'), [1, 2, 3, 5, 6, 7]],
  ['not.ilike', (q) => q.not('title', 'ilike', '*A*'), [4, 8]],
  ['match', (q) => q.regexMatch('title', '^[A-G]'), [1, 2, 3, 6]],
  ['not.match', (q) => q.not('title', 'match', '^[A-G]'), [4, 5, 7, 8]],
  ['imatch', (q) => q.regexIMatch('title', 'R$'), [2, 3, 4]],
  ['not.imatch', (q) => q.not('title', 'imatch', 'R$'), [1, 5, 6, 7, 8]],
  ['in', (q) => q.in('id', [1, 3, 5]), [1, 3, 5]],
  ['not.in', (q) => q.not('id', 'in', '(1,3,5)'), [2, 4, 6, 7, 8]],
  ['in with quoted values', (q) => q.in('title', ['Alien', 'Crouching Tiger, Hidden Dragon']), [1, 6]],
  ['is.null', (q) => q.is('budget', null), [6, 7]],
  ['not.is.null', (q) => q.not('budget', 'is', null), [1, 2, 3, 4, 5, 8]],
  ['is.true', (q) => q.is('in_color', true), [1, 2, 3, 4, 5, 6]],
  ['is.false', (q) => q.is('in_color', false), [7]],
  ['not.is.true', (q) => q.not('in_color', 'is', true), [7, 8]],
  ['isdistinct', (q) => q.isDistinct('budget', 11), [2, 3, 4, 5, 6, 7, 8]],
  ['not.isdistinct', (q) => q.not('budget', 'isdistinct', 11), [1]],
  ['enum eq', (q) => q.eq('genre', 'scifi'), [2, 5]],
  ['several filters are ANDed', (q) => q.gte('year', 1980).lt('year', 2001), [2, 3, 5, 6]],
  ['match() object', (q) => q.match({ genre: 'drama', year: 2000 }), [3, 6]],
]

const gadgetFilters: Array<[string, Filter, number[]]> = [
  ['fts', (q) => q.textSearch('search', 'fox'), [1, 3, 4]],
  ['not.fts', (q) => q.not('search', 'fts', 'fox'), [2]],
  ['fts with config', (q) => q.textSearch('search', 'jumping', { config: 'english' }), [4]],
  ['plfts', (q) => q.textSearch('search', 'brown fox', { type: 'plain' }), [1, 3]],
  ['not.plfts', (q) => q.not('search', 'plfts', 'brown fox'), [2, 4]],
  ['phfts', (q) => q.textSearch('search', 'brown fox', { type: 'phrase' }), [1]],
  ['not.phfts', (q) => q.not('search', 'phfts', 'brown fox'), [2, 3, 4]],
  ['wfts', (q) => q.textSearch('search', 'fox -brown', { type: 'websearch' }), [4]],
  ['not.wfts', (q) => q.not('search', 'wfts', 'fox -brown'), [1, 2, 3]],
  ['cs array', (q) => q.contains('labels', ['tool']), [1, 3]],
  ['not.cs array', (q) => q.not('labels', 'cs', '{tool}'), [2, 4]],
  ['cs jsonb', (q) => q.contains('specs', { brand: 'Acme' }), [1, 3]],
  ['cs range', (q) => q.contains('valid', '[2,4)'), [1]],
  ['cd array', (q) => q.containedBy('labels', ['tool', 'metal', 'plastic']), [1, 3, 4]],
  ['not.cd array', (q) => q.not('labels', 'cd', '{tool,metal,plastic}'), [2]],
  ['ov array', (q) => q.overlaps('labels', ['toy', 'plastic']), [2, 3]],
  ['not.ov array', (q) => q.not('labels', 'ov', '{toy,plastic}'), [1, 4]],
  ['ov range', (q) => q.overlaps('valid', '[5,12)'), [1, 2]],
  ['sl', (q) => q.rangeLt('valid', '[15,25)'), [1]],
  ['not.sl', (q) => q.not('valid', 'sl', '[15,25)'), [2, 3]],
  ['sr', (q) => q.rangeGt('valid', '[5,10)'), [2, 3]],
  ['not.sr', (q) => q.not('valid', 'sr', '[5,10)'), [1]],
  ['nxr', (q) => q.rangeLte('valid', '[5,20)'), [1, 2]],
  ['not.nxr', (q) => q.not('valid', 'nxr', '[5,20)'), [3]],
  ['nxl', (q) => q.rangeGte('valid', '[10,15)'), [2, 3]],
  ['not.nxl', (q) => q.not('valid', 'nxl', '[10,15)'), [1]],
  ['adj', (q) => q.rangeAdjacent('valid', '[30,40)'), [3]],
  ['not.adj', (q) => q.not('valid', 'adj', '[30,40)'), [1, 2]],
  ['JSON path eq', (q) => q.eq('specs->>brand', 'Acme'), [1, 3]],
  ['JSON path gt (numeric jsonb)', (q) => q.gt('specs->weight', 1), [1, 2]],
  ['JSON path nested', (q) => q.eq('specs->dims->>w', '5'), [2]],
]

describe('filters on films', () => {
  it.each(filmFilters)('%s', async (_name, filter, expected) => {
    const { data, error } = await filter(db.from('films').select('id')).order('id')
    expect(error).toBeNull()
    expect(ids(data)).toEqual(expected)
  })
})

describe('filters on gadgets (fts, arrays, jsonb, ranges)', () => {
  it.each(gadgetFilters)('%s', async (_name, filter, expected) => {
    const { data, error } = await filter(db.from('gadgets').select('id')).order('id')
    expect(error).toBeNull()
    expect(ids(data)).toEqual(expected)
  })
})

describe('or / and', () => {
  it('or with a nested and', async () => {
    const { data } = await db.from('films').select('id').or('year.lt.1980,and(genre.eq.scifi,rating.gte.8)').order('id')
    expect(ids(data)).toEqual([1, 2, 7])
  })

  it('or with a negated nested and', async () => {
    // NOT (drama AND year >= 2000): film 7 has a NULL genre, and NULL AND false is false.
    const { data } = await db.from('films').select('id').or('not.and(genre.eq.drama,year.gte.2000)').order('id')
    expect(ids(data)).toEqual([1, 2, 5, 7])
  })

  it('or with is, in and quoted values', async () => {
    const { data } = await db.from('films').select('id').or('budget.is.null,title.in.("Alien","Life of Pi")').order('id')
    expect(ids(data)).toEqual([1, 6, 7, 8])
  })

  it('top-level and=(...) with a nested or (raw query string)', async () => {
    const res = await h.raw('/films?select=id&and=(year.gte.1990,or(genre.eq.scifi,budget.is.null))&order=id')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([{ id: 5 }, { id: 6 }])
  })

  it('not.or=(...) (raw query string)', async () => {
    const res = await h.raw('/films?select=id&not.or=(year.lt.2000,genre.eq.drama)&order=id')
    expect(await res.json()).toEqual([])
  })

  it('or on an embedded resource filters the embedded rows only', async () => {
    const { data } = await db
      .from('directors')
      .select('name, films(title)')
      .or('year.lt.1980,year.gt.2010', { referencedTable: 'films' })
      .order('id')
      .order('id', { referencedTable: 'films' })
    expect(data).toEqual([
      { name: 'Ridley Scott', films: [{ title: 'Alien' }] },
      { name: 'Kathryn Bigelow', films: [] },
      { name: 'Ang Lee', films: [{ title: 'Life of Pi' }] },
      { name: 'Agnes Varda', films: [] },
    ])
  })
})

describe('order', () => {
  const cases: Array<[string, Filter, number[]]> = [
    ['desc with a tie-breaker', (q) => q.order('year', { ascending: false }).order('id'), [8, 4, 3, 6, 5, 2, 1, 7]],
    ['asc (nulls last by default)', (q) => q.order('budget').order('id'), [1, 4, 2, 5, 3, 8, 6, 7]],
    ['asc nullsfirst', (q) => q.order('budget', { nullsFirst: true }).order('id'), [6, 7, 1, 4, 2, 5, 3, 8]],
    ['desc (nulls first by default)', (q) => q.order('budget', { ascending: false }).order('id'), [6, 7, 8, 3, 5, 2, 4, 1]],
    ['desc nullslast', (q) => q.order('budget', { ascending: false, nullsFirst: false }).order('id'), [8, 3, 5, 2, 4, 1, 6, 7]],
    ['by an embedded to-one column', (q) => q.order('directors(name)').order('id'), [6, 8, 4, 5, 1, 2, 3, 7]],
    ['by an embedded to-one column desc', (q) => q.order('directors(name)', { ascending: false, nullsFirst: false }).order('id'), [1, 2, 3, 4, 5, 6, 8, 7]],
  ]
  it.each(cases)('%s', async (_name, order, expected) => {
    const { data, error } = await order(db.from('films').select('id, directors(name)'))
    expect(error).toBeNull()
    expect(ids(data)).toEqual(expected)
  })

  it('by a JSON path (jsonb comparison)', async () => {
    const { data } = await db.from('gadgets').select('id').order('specs->weight')
    expect(ids(data)).toEqual([3, 1, 2, 4])
  })

  it('by a ->> JSON path desc with a tie-breaker', async () => {
    const { data } = await db.from('gadgets').select('id').order('specs->>brand', { ascending: false, nullsFirst: false }).order('id')
    expect(ids(data)).toEqual([2, 1, 3, 4])
  })
})

describe('limit, offset, range and count', () => {
  it('limit', async () => {
    const { data, count } = await db.from('films').select('id').order('id').limit(2)
    expect(ids(data)).toEqual([1, 2])
    expect(count).toBeNull()
  })

  it('range() sends offset and limit', async () => {
    const { data, status } = await db.from('films').select('id').order('id').range(2, 4)
    expect(status).toBe(200)
    expect(ids(data)).toEqual([3, 4, 5])
  })

  it('count=exact on a partial page answers 206 with the total', async () => {
    // RangeQuery.rangeStatusHeader: 206 when the page is smaller than a known total.
    const { data, count, status } = await db.from('films').select('id', { count: 'exact' }).order('id').range(0, 1)
    expect(status).toBe(206)
    expect(count).toBe(8)
    expect(ids(data)).toEqual([1, 2])
  })

  it('count=exact on a full result answers 200', async () => {
    const { count, status } = await db.from('films').select('id', { count: 'exact' }).eq('genre', 'scifi')
    expect(status).toBe(200)
    expect(count).toBe(2)
  })

  it('head: true with count returns no body', async () => {
    const { data, count, status, error } = await db.from('films').select('*', { count: 'exact', head: true }).eq('genre', 'drama')
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toBeNull()
    expect(count).toBe(4)
  })

  it('count=planned and count=estimated return a number', async () => {
    const planned = await db.from('films').select('id', { count: 'planned' }).limit(1)
    expect(planned.error).toBeNull()
    expect(typeof planned.count).toBe('number')
    const estimated = await db.from('films').select('id', { count: 'estimated' }).limit(1)
    expect(estimated.error).toBeNull()
    expect(typeof estimated.count).toBe('number')
  })

  it('an offset past the total answers 416 PGRST103', async () => {
    const { data, error, status } = await db.from('films').select('id', { count: 'exact' }).order('id').range(20, 25)
    expect(status).toBe(416)
    expect(data).toBeNull()
    expect(error).toEqual({
      code: 'PGRST103',
      message: 'Requested range not satisfiable',
      details: 'An offset of 20 was requested, but there are only 8 rows.',
      hint: null,
    })
  })

  it('Content-Range on GET: with a page, with no rows, with a count (raw)', async () => {
    const page = await h.raw('/films?select=id&order=id&offset=1&limit=2')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-range')).toBe('1-2/*')
    expect(await page.json()).toEqual([{ id: 2 }, { id: 3 }])

    const none = await h.raw('/films?select=id&id=eq.999')
    expect(none.headers.get('content-range')).toBe('*/*')

    const counted = await h.raw('/films?select=id&order=id&offset=6', { headers: { Prefer: 'count=exact' } })
    expect(counted.status).toBe(206)
    expect(counted.headers.get('content-range')).toBe('6-7/8')
    expect(counted.headers.get('preference-applied')).toBe('count=exact')
  })

  it('Range / Range-Unit request headers (raw)', async () => {
    const res = await h.raw('/films?select=id&order=id', { headers: { Range: '1-2', 'Range-Unit': 'items' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-range')).toBe('1-2/*')
    expect(await res.json()).toEqual([{ id: 2 }, { id: 3 }])
  })

  it('HEAD answers headers only (raw)', async () => {
    const res = await h.raw('/films?select=id&genre=eq.scifi', { method: 'HEAD', headers: { Prefer: 'count=exact' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-range')).toBe('0-1/2')
    expect(await res.text()).toBe('')
  })
})

describe('single, maybeSingle, csv', () => {
  it('single() returns one object', async () => {
    const { data, status } = await db.from('films').select('id,title').eq('id', 1).single()
    expect(status).toBe(200)
    expect(data).toEqual({ id: 1, title: 'Alien' })
  })

  it('single() on zero rows answers 406 PGRST116', async () => {
    // SingularSpec: "raises an error for zero rows".
    const { data, error, status } = await db.from('films').select('id').eq('id', 999).single()
    expect(status).toBe(406)
    expect(data).toBeNull()
    expect(error).toEqual({
      code: 'PGRST116',
      message: 'JSON object requested, multiple (or no) rows returned',
      details: 'The result contains 0 rows',
      hint: null,
    })
  })

  it('single() on several rows answers 406 PGRST116', async () => {
    const { error, status } = await db.from('films').select('id').eq('genre', 'scifi').single()
    expect(status).toBe(406)
    expect(error).toEqual({
      code: 'PGRST116',
      message: 'JSON object requested, multiple (or no) rows returned',
      details: 'The result contains 2 rows',
      hint: null,
    })
  })

  it('maybeSingle() on zero rows gives null, on one row the object, on several PGRST116', async () => {
    const none = await db.from('films').select('id').eq('id', 999).maybeSingle()
    expect(none.error).toBeNull()
    expect(none.data).toBeNull()
    const one = await db.from('films').select('id,title').eq('id', 2).maybeSingle()
    expect(one.data).toEqual({ id: 2, title: 'Blade Runner' })
    const many = await db.from('films').select('id').eq('genre', 'drama').maybeSingle()
    expect(many.status).toBe(406)
    expect(many.error?.code).toBe('PGRST116')
  })

  it('csv() returns text/csv with a header line, values quoted like record_out', async () => {
    // QuerySpec "should respond with CSV to 'text/csv' request": header line, '\n' separators,
    // no trailing newline; values with spaces or commas are double-quoted.
    const { data, error } = await db.from('films').select('id,title,budget').in('id', [1, 2, 6]).order('id').csv()
    expect(error).toBeNull()
    expect(data).toBe('id,title,budget\n1,Alien,11\n2,"Blade Runner",28\n6,"Crouching Tiger, Hidden Dragon",')
    const res = await h.raw('/films?select=id&id=eq.1', { headers: { Accept: 'text/csv' } })
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
  })

  it('application/vnd.pgrst.object+json content type (raw)', async () => {
    const res = await h.raw('/films?select=id&id=eq.1', { headers: { Accept: 'application/vnd.pgrst.object+json' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/vnd.pgrst.object+json; charset=utf-8')
    expect(await res.json()).toEqual({ id: 1 })
  })
})
