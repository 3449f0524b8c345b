/**
 * Issue 15 item 11: the key in the query string (`?apikey=`, for clients that cannot set headers)
 * identifies the caller on `/rest/v1` as on the other routes, and the data API's parser never reads
 * it as a column filter or an RPC argument, so no error body ever echoes it. Supabase's gateway
 * strips it the same way (key-auth with hide_credentials) before PostgREST sees the request.
 */
import { expect, it } from 'vitest'
import { TEST_ANON_KEY } from '../app.js'
import { BASE_URL, ids, useRest, type RestHarness } from './setup.js'

let h: RestHarness
useRest((harness) => {
  h = harness
})

const get = (pathAndQuery: string) => h.testApp.http(`${BASE_URL}${pathAndQuery}`)

it('takes the key from the query string and reads the table as anon', async () => {
  const res = await get(`/films?select=id&id=lt.3&order=id&apikey=${TEST_ANON_KEY}`)
  expect(res.status).toBe(200)
  expect(ids(await res.json())).toEqual([1, 2])
})

it('never treats apikey as a filter nor echoes it in an error', async () => {
  const bad = await get(`/films?select=nope&apikey=${TEST_ANON_KEY}`)
  expect(bad.status).toBe(400)
  expect(await bad.text()).not.toContain(TEST_ANON_KEY)
  // With the key also in the header, the query-string copy is still not a filter.
  const both = await h.raw(`/films?select=id&id=eq.1&apikey=${TEST_ANON_KEY}`)
  expect(both.status).toBe(200)
  expect(ids(await both.json())).toEqual([1])
})

it('never passes apikey to a function as an argument', async () => {
  const res = await get(`/rpc/add?a=1&b=2&apikey=${TEST_ANON_KEY}`)
  expect(res.status).toBe(200)
  expect(await res.json()).toBe(3)
})
