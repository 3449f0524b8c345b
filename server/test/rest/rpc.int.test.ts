/**
 * Conformance: `/rest/v1/rpc/<fn>` (issue 4, point 4) through @supabase/postgrest-js.
 * Expected bodies and statuses follow PostgREST 12 (v12.2.12): RpcSpec.hs and
 * src/PostgREST/Response.hs (void -> 204; a non-SETOF composite -> one object; Content-Range on
 * set-returning results), src/PostgREST/Error.hs (P0001 -> 400, 25006 -> 405).
 */
import { describe, expect, it } from 'vitest'
import { ids, useRest, type Client, type RestHarness } from './setup.js'

let h: RestHarness
let db: Client
useRest((harness) => {
  h = harness
  db = harness.anon
})

describe('scalar results', () => {
  it('POST with named arguments', async () => {
    const { data, error, status } = await db.rpc('add', { a: 1, b: 2 })
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toBe(3)
  })

  it('GET for an immutable function ({ get: true })', async () => {
    const { data, status } = await db.rpc('add', { a: 40, b: 2 }, { get: true })
    expect(status).toBe(200)
    expect(data).toBe(42)
  })

  it('overloads are resolved by argument names', async () => {
    expect((await db.rpc('describe_value', { n: 5 })).data).toBe('number 5')
    expect((await db.rpc('describe_value', { s: 'five' })).data).toBe('text five')
    expect((await db.rpc('describe_value', { s: 'six' }, { get: true })).data).toBe('text six')
  })

  it('a single unnamed json parameter receives the whole body', async () => {
    const { data, status } = await db.rpc('echo_payload', { hello: 'world', n: [1, 2], nested: { ok: true } })
    expect(status).toBe(200)
    expect(data).toEqual({ hello: 'world', n: [1, 2], nested: { ok: true } })
  })

  it('a scalar result that is itself an array stays whole when asked for as one object', async () => {
    // PostgREST's asJsonSingleF for a scalar: json_agg(value)->0, the value as it is.
    const { data, error, status } = await db.rpc('echo_payload', { n: [1, 2] }).single()
    expect(error).toBeNull()
    expect([status, data]).toEqual([200, { n: [1, 2] }])
    const res = await h.raw('/rpc/echo_payload', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/vnd.pgrst.object+json' },
      body: '[{"a":1},{"a":2}]',
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([{ a: 1 }, { a: 2 }])
  })

  it('a void function answers 204 with no body', async () => {
    const { data, error, status } = await db.rpc('do_nothing')
    expect(error).toBeNull()
    expect(status).toBe(204)
    expect(data).toBeNull()
  })
})

describe('composite and set-returning results', () => {
  it('a non-SETOF composite result is one object', async () => {
    // RpcSpec "returns single row from table" / "returns composite type in exposed schema".
    const { data } = await db.rpc('get_film', { film_id: 1 })
    expect(data).toEqual({ id: 1, title: 'Alien', director_id: 1, year: 1979, rating: 8.5, genre: 'horror', budget: 11, in_color: true })
    const shaped = await db.rpc('get_film', { film_id: 2 }).select('title, year')
    expect(shaped.data).toEqual({ title: 'Blade Runner', year: 1982 })
  })

  it('SETOF a table type is an array of rows', async () => {
    const { data } = await db.rpc('films_by_director', { director_id: 1 }).select('id, title').order('id')
    expect(data).toEqual([
      { id: 1, title: 'Alien' },
      { id: 2, title: 'Blade Runner' },
      { id: 3, title: 'Gladiator' },
    ])
  })

  it('RETURNS TABLE is an array of records', async () => {
    const { data } = await db.rpc('film_stats').order('director')
    expect(data).toEqual([
      { director: 'Agnes Varda', film_count: 0 },
      { director: 'Ang Lee', film_count: 2 },
      { director: 'Kathryn Bigelow', film_count: 2 },
      { director: 'Ridley Scott', film_count: 3 },
    ])
  })

  it('set-returning results take filters, order and range like a table', async () => {
    const { data } = await db.rpc('films_by_director', { director_id: 1 }).select('id').gte('year', 1980).order('year', { ascending: false }).range(0, 0)
    expect(ids(data)).toEqual([3])
    const filtered = await db.rpc('films_by_director', { director_id: 2 }).select('title').or('genre.eq.scifi,budget.lt.10')
    expect(filtered.data).toEqual([{ title: 'Strange Days' }])
  })

  it('GET with arguments in the query string, filters and order', async () => {
    const { data, status } = await db.rpc('films_by_director', { director_id: 3 }, { get: true }).select('title').order('id')
    expect(status).toBe(200)
    expect(data).toEqual([{ title: 'Crouching Tiger, Hidden Dragon' }, { title: 'Life of Pi' }])
  })

  it('count=exact with a partial range answers 206', async () => {
    const { data, count, status } = await db.rpc('films_by_director', { director_id: 1 }, { count: 'exact' }).select('id').order('id').range(0, 0)
    expect(status).toBe(206)
    expect(count).toBe(3)
    expect(ids(data)).toEqual([1])
  })

  it('head: true sends HEAD and returns only the count', async () => {
    const { data, count, status, error } = await db.rpc('films_by_director', { director_id: 2 }, { head: true, count: 'exact' })
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toBeNull()
    expect(count).toBe(2)
  })

  it('embeds along the foreign keys of the returned table type', async () => {
    // RpcSpec "can embed if related tables are in the exposed schema".
    const { data } = await db.rpc('films_by_director', { director_id: 2 }).select('title, directors(name)').order('id')
    expect(data).toEqual([
      { title: 'The Hurt Locker', directors: { name: 'Kathryn Bigelow' } },
      { title: 'Strange Days', directors: { name: 'Kathryn Bigelow' } },
    ])
  })

  it('single() on a set-returning function', async () => {
    const { data, status } = await db.rpc('films_by_director', { director_id: 1 }).select('id').eq('id', 2).single()
    expect(status).toBe(200)
    expect(data).toEqual({ id: 2 })
  })

  it('Content-Range of a set-returning call (raw)', async () => {
    const res = await h.raw('/rpc/films_by_director?select=id', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"director_id":1}' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-range')).toBe('0-2/*')
    expect(await res.json()).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }])
  })
})

describe('volatility and errors raised by functions', () => {
  it('a volatile function runs its side effect once per POST', async () => {
    expect((await db.rpc('record_visit', { page: 'home' })).data).toBe(1)
    expect((await db.rpc('record_visit', { page: 'home' })).data).toBe(2)
    const visits = await db.from('visits').select('page').order('id')
    expect(visits.data).toEqual([{ page: 'home' }, { page: 'home' }])
  })

  it('a volatile function called with GET runs read-only: 25006 -> 405', async () => {
    // PostgREST runs GET/HEAD in a READ ONLY transaction; Error.hs maps 25006 to 405.
    const { error, status } = await db.rpc('record_visit', { page: 'about' }, { get: true })
    expect(status).toBe(405)
    expect(error).toEqual({ code: '25006', message: 'cannot execute INSERT in a read-only transaction', details: null, hint: null })
    const visits = await db.from('visits').select('*', { count: 'exact', head: true }).eq('page', 'about')
    expect(visits.count).toBe(0)
  })

  it('RAISE EXCEPTION answers 400 P0001 with its detail and hint', async () => {
    const { data, error, status } = await db.rpc('fail_loudly')
    expect(status).toBe(400)
    expect(data).toBeNull()
    expect(error).toEqual({ code: 'P0001', message: 'archive unavailable', details: 'the film archive is offline', hint: 'try again later' })
  })
})
