/**
 * Conformance: writes on `/rest/v1` (issue 4, point 3) through @supabase/postgrest-js, plus raw
 * requests for PUT and for the headers postgrest-js does not expose (Location, Content-Range,
 * Preference-Applied). Expected statuses and headers follow PostgREST 12 (v12.2.12):
 * InsertSpec.hs, UpsertSpec.hs, UpdateSpec.hs, DeleteSpec.hs, RollbackSpec.hs and
 * src/PostgREST/Response.hs. Tests in this file share one database and run in order; each touches
 * rows of its own (tag ids 10+, film ids 20+, ...).
 */
import { describe, expect, it } from 'vitest'
import { ids, useRest, type Client, type RestHarness } from './setup.js'

let h: RestHarness
let db: Client
useRest((harness) => {
  h = harness
  db = harness.anon
})

const json = { 'Content-Type': 'application/json' }

describe('insert', () => {
  it('without select(): 201, no body (return=minimal is the default)', async () => {
    const { data, error, status } = await db.from('tags').insert({ id: 10, name: 'noir', color: 'black' })
    expect(error).toBeNull()
    expect(status).toBe(201)
    expect(data).toBeNull()
    const after = await db.from('tags').select('*').eq('id', 10)
    expect(after.data).toEqual([{ id: 10, name: 'noir', color: 'black' }])
  })

  it('with select(): 201 and the inserted row', async () => {
    const { data, status } = await db.from('tags').insert({ id: 11, name: 'heist' }).select()
    expect(status).toBe(201)
    // A key missing from a single object takes the column default.
    expect(data).toEqual([{ id: 11, name: 'heist', color: 'grey' }])
  })

  it('bulk, with select() shaping and renaming the returned rows', async () => {
    const { data, status } = await db
      .from('tags')
      .insert([
        { id: 12, name: 'musical', color: 'pink' },
        { id: 13, name: 'western', color: 'brown' },
      ])
      .select('id, label:name')
    expect(status).toBe(201)
    expect(data).toEqual([
      { id: 12, label: 'musical' },
      { id: 13, label: 'western' },
    ])
  })

  it('bulk with uneven keys: missing keys are NULL by default (columns=)', async () => {
    // postgrest-js sends columns="id","name","color": a key missing from one object becomes NULL,
    // which the NOT NULL color column rejects (23502 -> 400).
    const { error, status } = await db.from('tags').insert([{ id: 14, name: 'satire', color: 'teal' }, { id: 15, name: 'epic' }])
    expect(status).toBe(400)
    expect(error).toEqual({
      code: '23502',
      message: 'null value in column "color" of relation "tags" violates not-null constraint',
      details: 'Failing row contains (15, epic, null).',
      hint: null,
    })
  })

  it('bulk with defaultToNull: false (Prefer: missing=default) uses the column defaults', async () => {
    const { data, status } = await db
      .from('tags')
      .insert([{ id: 14, name: 'satire', color: 'teal' }, { id: 15, name: 'epic' }], { defaultToNull: false })
      .select()
    expect(status).toBe(201)
    expect(data).toEqual([
      { id: 14, name: 'satire', color: 'teal' },
      { id: 15, name: 'epic', color: 'grey' },
    ])
  })

  it('returns embedded resources of the inserted row, with a count', async () => {
    const { data, count, status } = await db
      .from('reviews')
      .insert({ film_id: 8, user_id: 4, stars: 4, body: 'Tiger!' }, { count: 'exact' })
      .select('stars, body, films(title), users(username)')
    expect(status).toBe(201)
    expect(count).toBe(1)
    expect(data).toEqual([{ stars: 4, body: 'Tiger!', films: { title: 'Life of Pi' }, users: { username: 'dave' } }])
  })

  it('headers: Content-Range */*, Preference-Applied (raw)', async () => {
    const res = await h.raw('/tags?select=id,name', {
      method: 'POST',
      headers: { ...json, Prefer: 'return=representation, missing=default' },
      body: JSON.stringify({ id: 16, name: 'anime' }),
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('content-range')).toBe('*/*')
    expect(res.headers.get('preference-applied')).toBe('missing=default, return=representation')
    expect(res.headers.get('location')).toBeNull()
    expect(await res.json()).toEqual([{ id: 16, name: 'anime' }])
  })

  it('return=headers-only gives a Location for a single insert (raw)', async () => {
    // InsertSpec "requesting headers only representation".
    const res = await h.raw('/tags', { method: 'POST', headers: { ...json, Prefer: 'return=headers-only' }, body: JSON.stringify({ id: 17, name: 'giallo' }) })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe('/tags?id=eq.17')
    expect(res.headers.get('preference-applied')).toBe('return=headers-only')
    expect(res.headers.get('content-type')).toBeNull()
    expect(await res.text()).toBe('')
  })

  it('Location carries every primary key column (composite key, raw)', async () => {
    const res = await h.raw('/film_tags', { method: 'POST', headers: { ...json, Prefer: 'return=headers-only' }, body: JSON.stringify({ film_id: 5, tag_id: 2 }) })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe('/film_tags?film_id=eq.5&tag_id=eq.2')
  })

  it('return=minimal explicitly (raw)', async () => {
    const res = await h.raw('/tags?select=id', { method: 'POST', headers: { ...json, Prefer: 'return=minimal' }, body: JSON.stringify({ id: 18, name: 'slasher' }) })
    expect(res.status).toBe(201)
    expect(res.headers.get('preference-applied')).toBe('return=minimal')
    expect(await res.text()).toBe('')
  })
})

describe('upsert', () => {
  it('merge-duplicates updating only existing rows answers 200', async () => {
    // UpsertSpec "UPDATEs rows on pk conflict": 200 when nothing was inserted.
    const { data, status } = await db
      .from('tags')
      .upsert([
        { id: 1, name: 'classic', color: 'gold' },
        { id: 2, name: 'space', color: 'black' },
      ])
      .select()
    expect(status).toBe(200)
    expect(data).toEqual([
      { id: 1, name: 'classic', color: 'gold' },
      { id: 2, name: 'space', color: 'black' },
    ])
  })

  it('merge-duplicates on a unique column (onConflict) inserting and updating answers 201', async () => {
    const { data, status } = await db
      .from('tags')
      .upsert(
        [
          { id: 3, name: 'war', color: 'olive' },
          { id: 20, name: 'biopic', color: 'white' },
        ],
        { onConflict: 'name' },
      )
      .select('id, name, color')
    expect(status).toBe(201)
    expect(data).toEqual([
      { id: 3, name: 'war', color: 'olive' },
      { id: 20, name: 'biopic', color: 'white' },
    ])
  })

  it('ignore-duplicates returns only the inserted rows', async () => {
    const { data, status } = await db
      .from('tags')
      .upsert(
        [
          { id: 4, name: 'wuxia', color: 'purple' },
          { id: 21, name: 'mumblecore', color: 'beige' },
        ],
        { ignoreDuplicates: true },
      )
      .select()
    expect(status).toBe(201)
    expect(data).toEqual([{ id: 21, name: 'mumblecore', color: 'beige' }])
    const kept = await db.from('tags').select('color').eq('id', 4).single()
    expect(kept.data).toEqual({ color: 'green' })
  })

  it('on a composite primary key, with Preference-Applied (raw)', async () => {
    const res = await h.raw('/roles?on_conflict=film_id,actor_id&select=film_id,actor_id,character', {
      method: 'POST',
      headers: { ...json, Prefer: 'resolution=merge-duplicates, return=representation' },
      body: JSON.stringify([{ film_id: 1, actor_id: 1, character: 'Ellen Ripley' }]),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('preference-applied')).toBe('resolution=merge-duplicates, return=representation')
    expect(await res.json()).toEqual([{ film_id: 1, actor_id: 1, character: 'Ellen Ripley' }])
  })

  it('PUT inserts then replaces one row by primary key (raw)', async () => {
    const put = (body: object) =>
      h.raw('/tags?id=eq.30', { method: 'PUT', headers: { ...json, Prefer: 'return=representation' }, body: JSON.stringify(body) })
    const created = await put({ id: 30, name: 'noir-2', color: 'black' })
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual([{ id: 30, name: 'noir-2', color: 'black' }])
    const replaced = await put({ id: 30, name: 'neo-noir', color: 'violet' })
    expect(replaced.status).toBe(200)
    expect(await replaced.json()).toEqual([{ id: 30, name: 'neo-noir', color: 'violet' }])
    const minimal = await h.raw('/tags?id=eq.30', { method: 'PUT', headers: json, body: JSON.stringify({ id: 30, name: 'neo-noir', color: 'red' }) })
    expect(minimal.status).toBe(204)
  })

  it('PUT whose body does not match the URL key answers 400 PGRST115 (raw)', async () => {
    const res = await h.raw('/tags?id=eq.31', { method: 'PUT', headers: json, body: JSON.stringify({ id: 32, name: 'x', color: 'y' }) })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'PGRST115', message: 'Payload values do not match URL in primary key column(s)', details: null, hint: null })
  })
})

describe('update', () => {
  it('with filters and select(): 200 and the updated rows', async () => {
    const { data, status } = await db.from('films').update({ budget: 50 }).is('budget', null).select('id, budget').order('id')
    expect(status).toBe(200)
    expect(data).toEqual([
      { id: 6, budget: 50 },
      { id: 7, budget: 50 },
    ])
  })

  it('without select(): 204 and no body; with a count', async () => {
    const { data, status, count } = await db.from('films').update({ in_color: true }, { count: 'exact' }).is('in_color', null)
    expect(status).toBe(204)
    expect(data).toBeNull()
    expect(count).toBe(1)
    const after = await db.from('films').select('in_color').eq('id', 8).single()
    expect(after.data).toEqual({ in_color: true })
  })

  it('matching nothing: 200 and []', async () => {
    const { data, status } = await db.from('films').update({ budget: 1 }).eq('id', 999).select()
    expect(status).toBe(200)
    expect(data).toEqual([])
  })

  it('Content-Range of a PATCH is 0-(n-1)/* (raw)', async () => {
    const res = await h.raw('/films?genre=eq.scifi', { method: 'PATCH', headers: json, body: JSON.stringify({ rating: 8 }) })
    expect(res.status).toBe(204)
    expect(res.headers.get('content-range')).toBe('0-1/*')
  })

  it('single() on an update of exactly one row returns the object', async () => {
    const { data } = await db.from('directors').update({ born: 1938 }).eq('id', 1).select('name, born').single()
    expect(data).toEqual({ name: 'Ridley Scott', born: 1938 })
  })
})

describe('delete', () => {
  it('with filters and select(): 200 and the deleted rows', async () => {
    const { data, status } = await db.from('film_tags').delete().eq('film_id', 1).select()
    expect(status).toBe(200)
    expect(data).toEqual([
      { film_id: 1, tag_id: 1 },
      { film_id: 1, tag_id: 2 },
    ])
    const left = await db.from('film_tags').select('*', { count: 'exact', head: true }).eq('film_id', 1)
    expect(left.count).toBe(0)
  })

  it('without select(): 204; with a count', async () => {
    const { status, data, count } = await db.from('messages').delete({ count: 'exact' }).eq('sender_id', 1)
    expect(status).toBe(204)
    expect(data).toBeNull()
    expect(count).toBe(2)
    const rest = await db.from('messages').select('id')
    expect(ids(rest.data)).toEqual([2])
  })
})

describe('Prefer: tx=rollback', () => {
  it('answers as if committed, then rolls back (raw)', async () => {
    const res = await h.raw('/tags?select=id,name', {
      method: 'POST',
      headers: { ...json, Prefer: 'return=representation, tx=rollback' },
      body: JSON.stringify({ id: 40, name: 'ghost' }),
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('preference-applied')).toBe('return=representation, tx=rollback')
    expect(await res.json()).toEqual([{ id: 40, name: 'ghost' }])
    const after = await db.from('tags').select('id').eq('id', 40)
    expect(after.data).toEqual([])
  })

  it('through the client: .rollback() on a delete', async () => {
    const { data, status } = await db.from('actors').delete().eq('id', 10).select('name').rollback()
    expect(status).toBe(200)
    expect(data).toEqual([{ name: 'Uncast Actor' }])
    const still = await db.from('actors').select('name').eq('id', 10)
    expect(still.data).toEqual([{ name: 'Uncast Actor' }])
  })
})
