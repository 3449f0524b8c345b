/**
 * Cached reads run as server-side prepared statements (one name per SQL text, so reads differing
 * only in values share it; parsed once per connection), and so do pipelined writes. On one pooled
 * connection: the same read under different roles still gets each role's rows (RLS is checked per
 * execution), and a connection never holds more than MAX_CACHED_STATEMENTS of them — the least
 * recently used are closed, and reading one of those again prepares it afresh.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_CACHED_STATEMENTS } from '../../src/db/pipeline.js'
import { buildTestApp, TEST_ANON_KEY, TEST_SERVICE_KEY, type TestApp } from '../app.js'
import { ALICE, BASE_URL, BOB, setupRest, type RestHarness } from './setup.js'

let h: RestHarness
let one: TestApp

beforeAll(async () => {
  h = await setupRest()
  const c = new pg.Client({ connectionString: h.db.url })
  await c.connect()
  await c.query(`
    create function cached_reads() returns int language sql stable
      as $$ select count(*)::int from pg_prepared_statements where name ~ '^floe_(read|write)_[0-9]+$' $$;
    grant execute on function cached_reads() to anon, authenticated, service_role;`)
  await c.end()
  // One connection, so every request below meets the statements the ones before it prepared.
  one = await buildTestApp(h.db, { DATABASE_POOL_MAX: '1', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' })
})
afterAll(async () => {
  await one?.close()
  await h?.close()
})

const get = async (path: string, headers: Record<string, string> = { apikey: TEST_ANON_KEY }) => {
  const res = await one.http(`${BASE_URL}${path}`, { headers })
  return { status: res.status, body: (await res.json()) as unknown }
}
/** Prepared statements on the one connection, this POST's own (a write is prepared too) included. */
const cachedReads = async () => {
  const res = await one.http(`${BASE_URL}/rpc/cached_reads`, { method: 'POST', headers: { apikey: TEST_SERVICE_KEY } })
  return (await res.json()) as number
}

describe('prepared statements for cached reads', () => {
  it('run one prepared read under each caller\'s role and rules', async () => {
    const path = '/notes?select=owner_id&order=id'
    const alice = await get(path, await one.asUser({ sub: ALICE }))
    const bob = await get(path, await one.asUser({ sub: BOB }))
    const anon = await get(path)
    expect(alice.status).toBe(200)
    expect(new Set((alice.body as { owner_id: string }[]).map((r) => r.owner_id))).toEqual(new Set([ALICE]))
    expect(new Set((bob.body as { owner_id: string }[]).map((r) => r.owner_id))).toEqual(new Set([BOB]))
    expect(anon.body).toEqual([])
    expect(await cachedReads()).toBe(2)
  })

  it('share one statement between reads that differ only in their values', async () => {
    for (let id = 1; id <= 8; id++) expect(await get(`/films?select=id&id=eq.${id}`)).toEqual({ status: 200, body: [{ id }] })
    expect(await cachedReads()).toBe(3)
  })

  it(`keep at most ${MAX_CACHED_STATEMENTS} per connection, closing the least recently used`, async () => {
    const distinct = MAX_CACHED_STATEMENTS + 50
    // Each alias makes another SQL text (values alone do not: they are bound parameters).
    for (let i = 0; i < distinct; i++) {
      const r = await get(`/films?select=c${i}:id&id=eq.${(i % 8) + 1}`)
      expect(r).toEqual({ status: 200, body: [{ [`c${i}`]: (i % 8) + 1 }] })
    }
    expect(await cachedReads()).toBe(MAX_CACHED_STATEMENTS)
    // The first of them was closed long ago: asked again, it is prepared afresh and answers alike.
    expect(await get('/films?select=c0:id&id=eq.1')).toEqual({ status: 200, body: [{ c0: 1 }] })
    expect(await cachedReads()).toBe(MAX_CACHED_STATEMENTS)
  })

  it('answer reads of one shape each with its own values, Content-Location and errors', async () => {
    const read = async (query: string) => {
      const res = await one.http(`${BASE_URL}/films${query}`, { headers: { apikey: TEST_ANON_KEY } })
      return { status: res.status, location: res.headers.get('content-location'), body: (await res.json()) as unknown }
    }
    for (const [id, title] of [[3, 'Gladiator'], [8, 'Life of Pi'], [1, 'Alien']] as const) {
      expect(await read(`?select=title&id=eq.${id}&year=not.lt.1900`)).toEqual({
        status: 200, location: `/films?id=eq.${id}&select=title&year=not.lt.1900`, body: [{ title }],
      })
    }
    // The shape compiled, a bad operand still fails as its own request would, and the next is fine.
    expect(await read('?select=title&id=eq.abc&year=not.lt.1900')).toMatchObject({ status: 400, body: { code: '22P02' } })
    expect(await read('?select=title&id=eq.2&year=not.lt.1900')).toMatchObject({ status: 200, body: [{ title: 'Blade Runner' }] })
    expect(await read('?select=title&title=eq.Blade%20Runner;year=gt.1990')).toMatchObject({ status: 200, body: [] })
    expect(await read('?select=title&title=eq.Gladiator;year=gt.1990')).toMatchObject({ status: 200, body: [{ title: 'Gladiator' }] })
    // like rewrites its operand (* → %): not lifted, so each pattern is its own.
    expect((await read('?select=id&title=like.*Pi*')).body).toEqual([{ id: 8 }])
    expect((await read('?select=id&title=like.*Runner')).body).toEqual([{ id: 2 }])
    // A shape that does not compile answers with its own error.
    expect(await read('?select=title&nope=eq.1')).toMatchObject({ status: 400, body: { code: '42703' } })
  })
})
