/**
 * Writes honour `order` on the representation they return, at the top and in embedded resources
 * (issue 15, point 5), as PostgREST's addOrders does for mutations: DeleteSpec "with ordering",
 * UpdateSpec "with ordering on top-level resource" and "works with request method PATCH and
 * embedded resource".
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadExtraSql } from './extra-sql.js'
import { useRest, type RestHarness } from './setup.js'

let h: RestHarness
useRest((harness) => (h = harness))

beforeAll(async () => {
  await loadExtraSql(h, `
    create table artists (id int primary key, name text not null);
    create table albums (id int primary key, title text not null, artist_id int not null references artists (id) on delete cascade);
    create table no_pk (a text, b text);
    alter table artists disable row level security;
    alter table albums disable row level security;
    alter table no_pk disable row level security;
    insert into artists values (1, 'duster'), (2, 'black country, new road'), (3, 'black midi');
    insert into albums values (1, 'stratosphere', 1), (2, 'contemporary movement', 1), (3, 'ants from up above', 2), (4, 'hellfire', 3);
    insert into no_pk values (null, null), ('1', '0'), ('2', '0');
  `)
})

const representation = { Prefer: 'return=representation', 'Content-Type': 'application/json' }

describe('order on the representation of a write', () => {
  it('DELETE with an embedded resource, ordered at the top (DeleteSpec)', async () => {
    const res = await h.raw('/artists?id=lt.3&select=id,name,albums(title)&order=id.desc&albums.order=id.desc', { method: 'DELETE', headers: representation })
    expect(res.status).toBe(200)
    expect(res.headers.get('preference-applied')).toBe('return=representation')
    expect(await res.json()).toEqual([
      { id: 2, name: 'black country, new road', albums: [{ title: 'ants from up above' }] },
      { id: 1, name: 'duster', albums: [{ title: 'contemporary movement' }, { title: 'stratosphere' }] },
    ])
  })

  it('PATCH without a primary key, ordered at the top, nulls first on desc (UpdateSpec)', async () => {
    const res = await h.raw('/no_pk?order=a.desc', { method: 'PATCH', headers: representation, body: JSON.stringify({ b: '1' }) })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([{ a: null, b: '1' }, { a: '2', b: '1' }, { a: '1', b: '1' }])
  })

  it('PATCH orders an embedded resource (UpdateSpec: web_content.order=name.asc)', async () => {
    await h.raw('/albums', { method: 'POST', headers: representation, body: JSON.stringify([{ id: 5, title: 'a side', artist_id: 3 }, { id: 6, title: 'z side', artist_id: 3 }]) })
    const asc = await h.raw('/artists?id=eq.3&select=id,albums(title)&albums.order=title.asc', { method: 'PATCH', headers: representation, body: '{"name":"black midi!"}' })
    expect(await asc.json()).toEqual([{ id: 3, albums: [{ title: 'a side' }, { title: 'hellfire' }, { title: 'z side' }] }])
    const desc = await h.raw('/artists?id=eq.3&select=id,albums(title)&albums.order=title.desc', { method: 'PATCH', headers: representation, body: '{"name":"black midi"}' })
    expect(await desc.json()).toEqual([{ id: 3, albums: [{ title: 'z side' }, { title: 'hellfire' }, { title: 'a side' }] }])
  })

  it('POST of several rows returns them in the order asked for', async () => {
    const body = JSON.stringify([{ id: 10, name: 'a' }, { id: 12, name: 'c' }, { id: 11, name: 'b' }])
    const desc = await h.raw('/artists?select=id&order=id.desc', { method: 'POST', headers: representation, body })
    expect(desc.status).toBe(201)
    expect(await desc.json()).toEqual([{ id: 12 }, { id: 11 }, { id: 10 }])
    const upsert = await h.raw('/artists?select=id&order=id.asc', { method: 'POST', headers: { ...representation, Prefer: 'return=representation,resolution=merge-duplicates' }, body })
    expect(await upsert.json()).toEqual([{ id: 10 }, { id: 11 }, { id: 12 }])
  })
})
