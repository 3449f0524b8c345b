/**
 * Conformance: resource embedding on `/rest/v1` (issue 4, point 2) through @supabase/postgrest-js.
 * Expected shapes follow PostgREST 12 (v12.2.12): QuerySpec.hs, EmbedInnerJoinSpec.hs,
 * EmbedDisambiguationSpec.hs, RelatedQueriesSpec.hs and SpreadQueriesSpec.hs. Embedded arrays are
 * ordered explicitly (`order` with `referencedTable`) since PostgREST promises no order otherwise.
 */
import { describe, expect, it } from 'vitest'
import { ids, useRest, type Client, type RestHarness } from './setup.js'

let h: RestHarness
let db: Client
useRest((harness) => {
  h = harness
  db = harness.anon
})

describe('relationship kinds', () => {
  it('many-to-one gives an object, or null when the foreign key is null', async () => {
    const { data, error } = await db.from('films').select('id, title, directors(name)').in('id', [1, 7]).order('id')
    expect(error).toBeNull()
    expect(data).toEqual([
      { id: 1, title: 'Alien', directors: { name: 'Ridley Scott' } },
      { id: 7, title: 'Orphan Reel', directors: null },
    ])
  })

  it('many-to-one with an alias and *', async () => {
    const { data } = await db.from('films').select('id, director:directors(*)').eq('id', 4)
    expect(data).toEqual([{ id: 4, director: { id: 2, name: 'Kathryn Bigelow', born: 1951 } }])
  })

  it('one-to-many gives an array, [] when there are no children', async () => {
    const { data } = await db.from('directors').select('name, films(title)').order('id').order('id', { referencedTable: 'films' })
    expect(data).toEqual([
      { name: 'Ridley Scott', films: [{ title: 'Alien' }, { title: 'Blade Runner' }, { title: 'Gladiator' }] },
      { name: 'Kathryn Bigelow', films: [{ title: 'The Hurt Locker' }, { title: 'Strange Days' }] },
      { name: 'Ang Lee', films: [{ title: 'Crouching Tiger, Hidden Dragon' }, { title: 'Life of Pi' }] },
      { name: 'Agnes Varda', films: [] },
    ])
  })

  it('many-to-many through a junction table', async () => {
    const { data } = await db.from('films').select('title, actors(name)').in('id', [3, 5]).order('id').order('name', { referencedTable: 'actors' })
    expect(data).toEqual([
      { title: 'Gladiator', actors: [{ name: 'Joaquin Phoenix' }, { name: 'Russell Crowe' }] },
      { title: 'Strange Days', actors: [{ name: 'Angela Bassett' }, { name: 'Ralph Fiennes' }] },
    ])
  })

  it('many-to-many in the other direction, [] when unrelated', async () => {
    const { data } = await db.from('actors').select('name, films(title)').in('id', [1, 10]).order('id')
    expect(data).toEqual([
      { name: 'Sigourney Weaver', films: [{ title: 'Alien' }] },
      { name: 'Uncast Actor', films: [] },
    ])
  })

  it('a second many-to-many (films <-> tags)', async () => {
    const { data } = await db.from('films').select('id, tags(name)').in('id', [1, 5]).order('id').order('name', { referencedTable: 'tags' })
    expect(data).toEqual([
      { id: 1, tags: [{ name: 'classic' }, { name: 'space' }] },
      { id: 5, tags: [] },
    ])
  })

  it('the junction itself, with its many-to-one inside', async () => {
    const { data } = await db
      .from('films')
      .select('title, roles(character, actors(name))')
      .eq('id', 5)
      .order('character', { referencedTable: 'roles' })
    expect(data).toEqual([
      {
        title: 'Strange Days',
        roles: [
          { character: 'Lenny Nero', actors: { name: 'Ralph Fiennes' } },
          { character: 'Mace', actors: { name: 'Angela Bassett' } },
        ],
      },
    ])
  })

  it('one-to-one gives an object in both directions', async () => {
    const users = await db.from('users').select('username, profiles(bio)').order('id')
    expect(users.data).toEqual([
      { username: 'alice', profiles: { bio: 'Sci-fi fan' } },
      { username: 'bob', profiles: { bio: 'Drama lover' } },
      { username: 'carol', profiles: null },
      { username: 'dave', profiles: null },
    ])
    const profiles = await db.from('profiles').select('bio, users(username)').order('user_id')
    expect(profiles.data).toEqual([
      { bio: 'Sci-fi fan', users: { username: 'alice' } },
      { bio: 'Drama lover', users: { username: 'bob' } },
    ])
  })

  it('self-reference: parent by column name, children by table!column', async () => {
    // EmbedDisambiguationSpec "one self reference foreign key": parent(...) and children:family_tree!parent(...).
    const { data } = await db
      .from('employees')
      .select('name, manager:manager_id(name), reports:employees!manager_id(name)')
      .order('id')
      .order('id', { referencedTable: 'reports' })
    expect(data).toEqual([
      { name: 'Grace', manager: null, reports: [{ name: 'Alan' }, { name: 'Ada' }] },
      { name: 'Alan', manager: { name: 'Grace' }, reports: [{ name: 'Linus' }] },
      { name: 'Ada', manager: { name: 'Grace' }, reports: [] },
      { name: 'Linus', manager: { name: 'Alan' }, reports: [] },
    ])
  })

  it('through a view that keeps the foreign key column', async () => {
    // QuerySpec "view embedding": relationships of the base table are inferred for the view.
    const { data } = await db.from('recent_films').select('title, directors(name)').order('id')
    expect(data).toEqual([
      { title: 'Gladiator', directors: { name: 'Ridley Scott' } },
      { title: 'The Hurt Locker', directors: { name: 'Kathryn Bigelow' } },
      { title: 'Crouching Tiger, Hidden Dragon', directors: { name: 'Ang Lee' } },
      { title: 'Life of Pi', directors: { name: 'Ang Lee' } },
    ])
  })
})

describe('nested embeds', () => {
  it('three levels, each ordered', async () => {
    const { data } = await db
      .from('directors')
      .select('name, films(title, roles(character, actors(name)))')
      .eq('id', 2)
      .order('id', { referencedTable: 'films' })
      .order('character', { referencedTable: 'films.roles' })
    expect(data).toEqual([
      {
        name: 'Kathryn Bigelow',
        films: [
          { title: 'The Hurt Locker', roles: [{ character: 'William James', actors: { name: 'Jeremy Renner' } }] },
          {
            title: 'Strange Days',
            roles: [
              { character: 'Lenny Nero', actors: { name: 'Ralph Fiennes' } },
              { character: 'Mace', actors: { name: 'Angela Bassett' } },
            ],
          },
        ],
      },
    ])
  })

  it('many-to-one inside one-to-many inside many-to-one', async () => {
    const { data } = await db.from('reviews').select('stars, films(title, directors(name))').eq('id', 5)
    expect(data).toEqual([{ stars: 4, films: { title: 'The Hurt Locker', directors: { name: 'Kathryn Bigelow' } } }])
  })
})

describe('join types and embedded filters', () => {
  it('an embedded filter without !inner filters only the children', async () => {
    const { data } = await db
      .from('directors')
      .select('name, films(title)')
      .gte('films.year', 2000)
      .order('id')
      .order('id', { referencedTable: 'films' })
    expect(data).toEqual([
      { name: 'Ridley Scott', films: [{ title: 'Gladiator' }] },
      { name: 'Kathryn Bigelow', films: [{ title: 'The Hurt Locker' }] },
      { name: 'Ang Lee', films: [{ title: 'Crouching Tiger, Hidden Dragon' }, { title: 'Life of Pi' }] },
      { name: 'Agnes Varda', films: [] },
    ])
  })

  it('!inner on one-to-many drops parents without matching children', async () => {
    const { data } = await db
      .from('directors')
      .select('name, films!inner(title)')
      .lt('films.year', 1990)
      .order('id')
      .order('id', { referencedTable: 'films' })
    expect(data).toEqual([{ name: 'Ridley Scott', films: [{ title: 'Alien' }, { title: 'Blade Runner' }] }])
  })

  it('!inner on many-to-one filters the parents by the embedded row', async () => {
    const { data } = await db.from('films').select('id, directors!inner(name)').eq('directors.name', 'Ang Lee').order('id')
    expect(data).toEqual([
      { id: 6, directors: { name: 'Ang Lee' } },
      { id: 8, directors: { name: 'Ang Lee' } },
    ])
  })

  it('!inner without a filter drops rows whose foreign key is null', async () => {
    const { data, count } = await db.from('films').select('id, directors!inner(id)', { count: 'exact' }).order('id')
    expect(count).toBe(7)
    expect(ids(data)).toEqual([1, 2, 3, 4, 5, 6, 8])
  })

  it('!left keeps rows with no related row', async () => {
    // EmbedInnerJoinSpec: "/projects?select=id,clients!left(id)".
    const { data } = await db.from('films').select('id, directors!left(name)').in('id', [6, 7]).order('id')
    expect(data).toEqual([
      { id: 6, directors: { name: 'Ang Lee' } },
      { id: 7, directors: null },
    ])
  })

  it('!inner on many-to-many', async () => {
    const { data } = await db.from('actors').select('id, films!inner(title)').eq('films.genre', 'scifi').order('id').order('id', { referencedTable: 'films' })
    expect(data).toEqual([
      { id: 2, films: [{ title: 'Blade Runner' }] },
      { id: 5, films: [{ title: 'Strange Days' }] },
      { id: 7, films: [{ title: 'Strange Days' }] },
    ])
  })

  it('is.null / not.is.null on an empty embed act as anti-join / semi-join', async () => {
    // RelatedQueriesSpec: "/projects?select=name,clients()&clients=is.null".
    const orphans = await db.from('films').select('id, directors()').is('directors', null)
    expect(orphans.data).toEqual([{ id: 7 }])
    const childless = await db.from('directors').select('id, films()').is('films', null)
    expect(childless.data).toEqual([{ id: 4 }])
    const withReviews = await db.from('films').select('id, reviews()').not('reviews', 'is', null).order('id')
    expect(withReviews.data).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }, { id: 6 }])
  })

  it('order, limit and offset on an embedded resource', async () => {
    const latest = await db
      .from('directors')
      .select('name, films(title, year)')
      .order('id')
      .order('year', { ascending: false, referencedTable: 'films' })
      .limit(1, { referencedTable: 'films' })
    expect(latest.data).toEqual([
      { name: 'Ridley Scott', films: [{ title: 'Gladiator', year: 2000 }] },
      { name: 'Kathryn Bigelow', films: [{ title: 'The Hurt Locker', year: 2008 }] },
      { name: 'Ang Lee', films: [{ title: 'Life of Pi', year: 2012 }] },
      { name: 'Agnes Varda', films: [] },
    ])
    const second = await db
      .from('directors')
      .select('name, films(title)')
      .order('id')
      .order('id', { referencedTable: 'films' })
      .range(1, 1, { referencedTable: 'films' })
    expect(second.data).toEqual([
      { name: 'Ridley Scott', films: [{ title: 'Blade Runner' }] },
      { name: 'Kathryn Bigelow', films: [{ title: 'Strange Days' }] },
      { name: 'Ang Lee', films: [{ title: 'Life of Pi' }] },
      { name: 'Agnes Varda', films: [] },
    ])
  })

  it('filters on an aliased embed use the alias', async () => {
    const { data } = await db
      .from('users')
      .select('username, good:reviews(stars)')
      .gte('good.stars', 5)
      .in('id', [1, 3])
      .order('id')
      .order('id', { referencedTable: 'good' })
    expect(data).toEqual([
      { username: 'alice', good: [{ stars: 5 }, { stars: 5 }] },
      { username: 'carol', good: [] },
    ])
  })
})

describe('disambiguation hints', () => {
  it('table!fk_name picks the foreign key', async () => {
    const { data, error } = await db
      .from('messages')
      .select('id, sender:users!messages_sender_id_fkey(username), recipient:users!messages_recipient_id_fkey(username)')
      .order('id')
    expect(error).toBeNull()
    expect(data).toEqual([
      { id: 1, sender: { username: 'alice' }, recipient: { username: 'bob' } },
      { id: 2, sender: { username: 'bob' }, recipient: { username: 'alice' } },
      { id: 3, sender: { username: 'alice' }, recipient: { username: 'carol' } },
    ])
  })

  it('table!column picks the foreign key by its column', async () => {
    const { data } = await db.from('messages').select('id, from:users!sender_id(username), to:users!recipient_id(username)').eq('id', 2)
    expect(data).toEqual([{ id: 2, from: { username: 'bob' }, to: { username: 'alice' } }])
  })

  it('one-to-many with a foreign key hint', async () => {
    const { data } = await db
      .from('users')
      .select('username, sent:messages!messages_sender_id_fkey(body), received:messages!messages_recipient_id_fkey(body)')
      .eq('id', 1)
      .order('id', { referencedTable: 'sent' })
    expect(data).toEqual([{ username: 'alice', sent: [{ body: 'hi bob' }, { body: 'hello carol' }], received: [{ body: 'hi alice' }] }])
  })
})

describe('spread', () => {
  it('...to-one(cols) lifts the columns into the parent', async () => {
    const { data } = await db.from('films').select('title, ...directors(director_name:name, born)').in('id', [1, 7]).order('id')
    expect(data).toEqual([
      { title: 'Alien', director_name: 'Ridley Scott', born: 1937 },
      { title: 'Orphan Reel', director_name: null, born: null },
    ])
  })

  it('spread of a junction row into a one-to-many', async () => {
    const { data } = await db.from('films').select('title, roles(character, ...actors(actor:name))').eq('id', 3).order('character', { referencedTable: 'roles' })
    expect(data).toEqual([
      { title: 'Gladiator', roles: [{ character: 'Commodus', actor: 'Joaquin Phoenix' }, { character: 'Maximus', actor: 'Russell Crowe' }] },
    ])
  })
})
