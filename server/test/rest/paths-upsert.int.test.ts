/**
 * Issue 15, data API item 7: PGRST125 for a path that is neither a table nor rpc/<function>
 * (PostgREST's ErrorSpec and QuerySpec "invalid resource path"), and an upsert of an empty array
 * (PostgREST's Response.hs: no row went through the insert, its inserted count is NULL, so 200).
 */
import { describe, expect, it } from 'vitest'
import { useRest, type RestHarness } from './setup.js'

let h: RestHarness
useRest((harness) => {
  h = harness
})

describe('invalid resource path', () => {
  it.each(['/first/second/third?select=*', '/invalid/nested/paths', '/rpc/add/extra', '/directors/1'])('GET %s: 404 PGRST125', async (path) => {
    const res = await h.raw(path)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ code: 'PGRST125', details: null, hint: null, message: 'Invalid path specified in request URL' })
  })

  it('for writes too', async () => {
    const res = await h.raw('/directors/1', { method: 'DELETE' })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ code: 'PGRST125' })
  })
})

describe('POST of an empty array', () => {
  const post = (prefer: string) =>
    h.raw('/directors', { method: 'POST', headers: { 'Content-Type': 'application/json', Prefer: prefer }, body: '[]' })

  it.each([
    ['return=representation,resolution=merge-duplicates', 200, 'resolution=merge-duplicates, return=representation'],
    ['return=representation,resolution=ignore-duplicates', 201, 'resolution=ignore-duplicates, return=representation'],
    ['return=representation', 201, 'return=representation'],
  ])('Prefer: %s answers %i and []', async (prefer, status, applied) => {
    const res = await post(prefer)
    expect(res.status).toBe(status)
    expect(res.headers.get('preference-applied')).toBe(applied)
    expect(await res.json()).toEqual([])
  })

  it('a merge-duplicates upsert of rows still answers 201 when one is new, 200 when none is', async () => {
    const body = JSON.stringify([{ id: 90, name: 'New' }])
    const headers = { 'Content-Type': 'application/json', Prefer: 'resolution=merge-duplicates' }
    expect((await h.testApp.http(`http://floe.test/rest/v1/directors`, { method: 'POST', headers: { ...h.testApp.service, ...headers }, body })).status).toBe(201)
    expect((await h.testApp.http(`http://floe.test/rest/v1/directors`, { method: 'POST', headers: { ...h.testApp.service, ...headers }, body })).status).toBe(200)
  })
})
