import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupRest, type RestHarness } from './setup.js'

let h: RestHarness
beforeAll(async () => {
  h = await setupRest()
})
afterAll(async () => {
  await h?.close()
})

interface Doc {
  openapi: string
  paths: Record<string, Record<string, { parameters?: { name?: string; $ref?: string }[] }>>
  components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> }
}

describe('OpenAPI of the live schema (GET /rest/v1/)', () => {
  it('describes tables with their columns, filters and verbs, and functions under /rpc', async () => {
    const res = await h.raw('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/openapi\+json/)
    const doc = (await res.json()) as Doc
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/films', '/directors', '/rpc/add']))
    expect(Object.keys(doc.paths['/films']!)).toEqual(expect.arrayContaining(['get', 'post', 'patch', 'delete']))
    expect(doc.components.schemas.films!.properties).toHaveProperty('title')
    const filterNames = doc.paths['/films']!.get!.parameters!.map((p) => p.name ?? p.$ref)
    expect(filterNames).toEqual(expect.arrayContaining(['title', '#/components/parameters/select', '#/components/parameters/order']))
  })

  it('shows each role only what it may use, and follows a REVOKE without a restart', async () => {
    const pathsFor = async (headers: Record<string, string>) => Object.keys(((await (await h.testApp.http('http://floe.test/rest/v1/', { headers })).json()) as Doc).paths)
    const anonPaths = await pathsFor(h.testApp.anon)
    expect(anonPaths).toContain('/films')
    expect(anonPaths).not.toContain('/secrets')
    expect(await pathsFor(h.testApp.service)).toContain('/secrets')

    const before = h.testApp.schemaCache.get()
    const c = new pg.Client({ connectionString: h.db.url })
    await c.connect()
    await c.query('revoke execute on function add(int, int) from public, anon')
    await c.end()
    const deadline = Date.now() + 5_000
    while (h.testApp.schemaCache.get() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    expect(await pathsFor(h.testApp.anon)).not.toContain('/rpc/add')
    expect(await pathsFor(await h.testApp.asUser({ sub: 'someone' }))).toContain('/rpc/add')
  })

  it('needs a key, given as a header or in the query string, and the docs page adds it as a second document', async () => {
    expect((await h.testApp.app.request('http://floe.test/rest/v1/')).status).toBe(401)
    const key = h.testApp.anon.apikey!
    expect((await h.testApp.app.request(`http://floe.test/rest/v1/?apikey=${key}`)).status).toBe(200)
    const page = await (await h.testApp.app.request(`http://floe.test/docs?apikey=${key}`)).text()
    expect(page).toContain(`/rest/v1/?apikey=${key}`)
    expect(await (await h.testApp.app.request('http://floe.test/docs')).text()).not.toContain('/rest/v1/')
  })
})
