/**
 * Raw bodies and a function's own media type, replayed from PostgREST's RpcSpec ("single unnamed
 * params") and CustomMediaSpec ("any media type on functions") with the functions of its fixture:
 * a text/plain, text/xml or application/octet-stream body reaches a function of one unnamed
 * text, xml or bytea parameter as it is; a function returning a domain named after a media type
 * answers its value raw in that type when asked for it (the any-type domain, for any Accept, as
 * application/octet-stream); PGRST202 says which single parameter was looked for.
 */
import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadExtraSql } from './extra-sql.js'
import { useRest, type RestHarness } from './setup.js'

let h: RestHarness
useRest((harness) => (h = harness))

beforeAll(async () => {
  await loadExtraSql(h, `
    create domain "text/plain" as text;
    create domain "text/xml" as pg_catalog.xml;
    create domain "application/octet-stream" as bytea;
    create domain "*/*" as bytea;
    create function unnamed_text_param(text) returns "text/plain" language sql as $$ select $1::"text/plain" $$;
    create function unnamed_xml_param(pg_catalog.xml) returns "text/xml" language sql as $$ select $1::"text/xml" $$;
    create function unnamed_bytea_param(bytea) returns "application/octet-stream" language sql as $$ select $1::"application/octet-stream" $$;
    create function unnamed_int_param(int) returns int language sql as $$ select $1 $$;
    create function overloaded_unnamed_param(json) returns json language sql as $$ select $1 $$;
    create function overloaded_unnamed_param(bytea) returns "application/octet-stream" language sql as $$ select $1::"application/octet-stream" $$;
    create function overloaded_unnamed_param(text) returns "text/plain" language sql as $$ select $1::"text/plain" $$;
    create function overloaded_unnamed_param() returns int language sql as $$ select 1 $$;
    create function overloaded_unnamed_param(x int, y int) returns int language sql as $$ select x + y $$;
    create function ret_any_mt() returns "*/*" language sql as $$ select 'any'::"*/*" $$;
    create function plain_text() returns text language sql as $$ select 'just text' $$;
  `)
})

const post = (path: string, contentType: string, body: string | Uint8Array, accept?: string) =>
  h.raw(path, { method: 'POST', headers: { 'Content-Type': contentType, ...(accept && { Accept: accept }) }, body: typeof body === 'string' ? body : new Uint8Array(body) })

describe('a raw body for a single unnamed parameter', () => {
  it('text/plain reaches a text parameter and comes back as text/plain', async () => {
    const res = await post('/rpc/unnamed_text_param', 'text/plain', 'unnamed text arg', 'text/plain')
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'text/plain', 'unnamed text arg'])
  })

  it('text/xml reaches an xml parameter; invalid xml is a 400 from Postgres', async () => {
    const xml = '<note><from>John</from><to>Jane</to><message>Remember me</message></note>'
    const res = await post('/rpc/unnamed_xml_param', 'text/xml', xml, 'text/xml')
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'text/xml', xml])
    const bad = await post('/rpc/unnamed_xml_param', 'text/xml', '<', 'text/xml')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: '2200N', message: 'invalid XML content' })
  })

  it('application/octet-stream reaches a bytea parameter and comes back byte for byte', async () => {
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]), randomBytes(4096)])
    for (const fn of ['unnamed_bytea_param', 'overloaded_unnamed_param']) {
      const res = await post(`/rpc/${fn}`, 'application/octet-stream', bytes, 'application/octet-stream')
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/octet-stream'])
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
    }
  })

  it('falls back to the single unnamed parameter among overloads by content type', async () => {
    let res = await post('/rpc/overloaded_unnamed_param', 'application/json', '{}')
    expect([res.status, await res.json()]).toEqual([200, 1])
    res = await post('/rpc/overloaded_unnamed_param', 'application/json', '{"x": 1, "y": 2}')
    expect([res.status, await res.json()]).toEqual([200, 3])
    res = await post('/rpc/overloaded_unnamed_param', 'application/json', '{"A": 1, "B": 2, "C": 3}')
    expect([res.status, await res.json()]).toEqual([200, { A: 1, B: 2, C: 3 }])
    res = await post('/rpc/overloaded_unnamed_param', 'text/plain', 'unnamed text arg', 'text/plain')
    expect([res.status, await res.text()]).toEqual([200, 'unnamed text arg'])
  })

  it('a GET with a raw Content-Type calls the function without parameters', async () => {
    for (const type of ['text/plain', 'application/octet-stream']) {
      const res = await h.raw('/rpc/overloaded_unnamed_param', { headers: { 'Content-Type': type } })
      expect([res.status, await res.json()]).toEqual([200, 1])
    }
  })

  it.each([
    ['text/plain', 'text'],
    ['text/xml', 'xml'],
    ['application/octet-stream', 'bytea'],
  ])('%s with no function of one unnamed %s parameter is PGRST202 naming it', async (type, param) => {
    const res = await post('/rpc/unnamed_int_param', type, 'a simple text')
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([404, 'application/json; charset=utf-8', {
      code: 'PGRST202',
      message: 'Could not find the function public.unnamed_int_param in the schema cache',
      details: `Searched for the function public.unnamed_int_param with a single unnamed ${param} parameter, but no matches were found in the schema cache.`,
      hint: null,
    }])
  })

  it('text/csv does not fall back to a single unnamed parameter', async () => {
    const res = await post('/rpc/overloaded_unnamed_param', 'text/csv', 'a,b\n1,2\n4,6\n100,200')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({
      code: 'PGRST202',
      message: 'Could not find the function public.overloaded_unnamed_param(a, b) in the schema cache',
      details: 'Searched for the function public.overloaded_unnamed_param with parameters a, b, but no matches were found in the schema cache.',
    })
  })
})

describe("a function's own media type", () => {
  it('the any-type domain answers every Accept as application/octet-stream', async () => {
    for (const accept of ['*/*', 'app/bingo', 'text/bango', 'image/boingo']) {
      const res = await h.raw('/rpc/ret_any_mt', { headers: { Accept: accept } })
      expect([accept, res.status, res.headers.get('content-type'), await res.text()]).toEqual([accept, 200, 'application/octet-stream', 'any'])
    }
  })

  it('a text/plain function still answers JSON when JSON is asked for', async () => {
    const res = await post('/rpc/unnamed_text_param', 'text/plain', 'hi', 'application/json')
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([200, 'application/json; charset=utf-8', 'hi'])
  })

  it('a media type neither Floe nor the function produces is 406 PGRST107', async () => {
    let res = await h.raw('/rpc/plain_text', { headers: { Accept: 'text/plain' } })
    expect([res.status, await res.json()]).toEqual([406, { code: 'PGRST107', message: 'None of these media types are available: text/plain', details: null, hint: null }])
    res = await post('/rpc/unnamed_bytea_param', 'application/octet-stream', Buffer.from('x'), 'text/plain')
    expect(res.status).toBe(406)
  })
})
