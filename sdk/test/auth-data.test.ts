/**
 * Auth and data through the SDK against a real `floe start`: sign-up, sign-in, refresh; CRUD with
 * an embed, typed from the fixture's Database, under owner rules (one user never reads or changes
 * another's rows).
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { createClient } from '../src/index.js'
import type { Database } from './fixture.js'
import { floeTarget, newClient, signUpUser, waitFor, type TestUser } from './helpers.js'

describe('auth', () => {
  it('signs up, signs in with the password, refreshes the session and reads the user', async () => {
    const { email, password, id } = await signUpUser('auth')
    const floe = newClient()
    const realtime = floe.realtime // made before the sign-in: it must follow the session from then on
    const signIn = await floe.auth.signInWithPassword({ email, password })
    expect(signIn.error).toBeNull()
    const first = signIn.data.session!
    expect(first.user.id).toBe(id)

    // Realtime follows the session, as in supabase-js: its token is the new one after each change.
    await waitFor(() => realtime.accessTokenValue === first.access_token, 5_000, 'realtime to take the sign-in token')

    const refreshed = await floe.auth.refreshSession()
    expect(refreshed.error).toBeNull()
    expect(refreshed.data.session!.refresh_token).not.toBe(first.refresh_token)
    const next = refreshed.data.session!.access_token
    await waitFor(() => realtime.accessTokenValue === next, 5_000, 'realtime to take the refreshed token')
    const { data } = await floe.auth.getUser()
    expect(data.user?.email).toBe(email)

    expect((await floe.auth.signOut()).error).toBeNull()
    expect((await floe.auth.getSession()).data.session).toBeNull()
    await waitFor(() => realtime.accessTokenValue !== next, 5_000, 'realtime to drop the token')
  })

  it('a wrong password is an AuthError, not a session', async () => {
    const { email } = await signUpUser('wrong')
    const { data, error } = await newClient().auth.signInWithPassword({ email, password: 'not-the-password' })
    expect(data.session).toBeNull()
    expect(error?.status).toBe(400)
  })
})

describe('data under owner rules', () => {
  let alice: TestUser
  let bob: TestUser

  beforeAll(async () => {
    ;[alice, bob] = await Promise.all([signUpUser('alice'), signUpUser('bob')])
  })

  it('creates, reads with an embed, updates and deletes; another user sees and changes nothing', async () => {
    const list = await alice.client.from('lists').insert({ name: 'groceries' }).select().single()
    expect(list.error).toBeNull()
    expect(list.data).toMatchObject({ name: 'groceries', owner_id: alice.id })
    const listId = list.data!.id

    const todos = await alice.client
      .from('todos')
      .insert([{ list_id: listId, title: 'milk' }, { list_id: listId, title: 'eggs' }])
      .select('id, title')
    expect(todos.error).toBeNull()
    expect(todos.data).toHaveLength(2)

    const read = await alice.client.from('todos').select('id, title, done, list:lists(name)').eq('list_id', listId).order('id')
    expect(read.error).toBeNull()
    expectTypeOf(read.data!).toEqualTypeOf<{ id: number; title: string; done: boolean; list: { name: string } }[]>()
    expect(read.data).toEqual([
      { id: todos.data![0]!.id, title: 'milk', done: false, list: { name: 'groceries' } },
      { id: todos.data![1]!.id, title: 'eggs', done: false, list: { name: 'groceries' } },
    ])

    // Bob: nothing to read, nothing to change, and no way to write into Alice's list.
    expect((await bob.client.from('todos').select('*').eq('list_id', listId)).data).toEqual([])
    expect((await bob.client.from('lists').select('*')).data).toEqual([])
    const bobUpdate = await bob.client.from('todos').update({ done: true }).eq('list_id', listId).select()
    expect(bobUpdate.data).toEqual([])
    const bobDelete = await bob.client.from('lists').delete().eq('id', listId).select()
    expect(bobDelete.data).toEqual([])
    const bobInsert = await bob.client.from('todos').insert({ list_id: listId, title: 'x', owner_id: alice.id })
    expect(bobInsert.error?.code).toBe('42501')
    expect(bobInsert.status).toBe(403)

    // rpc() runs the function as the caller: Bob counts none of Alice's todos.
    const count = await alice.client.rpc('count_todos', { p_list: listId })
    expectTypeOf(count.data).toEqualTypeOf<number | null>()
    expect(count.data).toBe(2)
    expect((await bob.client.rpc('count_todos', { p_list: listId })).data).toBe(0)

    const done = await alice.client.from('todos').update({ done: true }).eq('id', todos.data![0]!.id).select('done').single()
    expect(done.data).toEqual({ done: true })
    const gone = await alice.client.from('lists').delete().eq('id', listId).select('id')
    expect(gone.data).toEqual([{ id: listId }])
    expect((await alice.client.from('todos').select('id').eq('list_id', listId)).data).toEqual([])
  })

  it('anon reads nothing; a wrong column is a compile error and, sent anyway, PostgREST’s error', async () => {
    expect((await newClient().from('lists').select('*')).data).toEqual([])
    // @ts-expect-error -- `nme` is not a column of lists: the Insert type rejects it
    const bad = await alice.client.from('lists').insert({ nme: 'x' })
    expect(bad.error?.code).toBe('PGRST204')
    // @ts-expect-error -- count_todos takes `p_list`, not `list`
    const badArg = await alice.client.rpc('count_todos', { list: 1 })
    expect(badArg.error?.code).toBe('PGRST202')
    expect((await alice.client.schema('public').from('lists').select('id')).error).toBeNull()
    const badSelect = await alice.client.from('lists').select('nope')
    expectTypeOf(badSelect.data).not.toEqualTypeOf<{ nope: unknown }[] | null>()
    expect(badSelect.error?.code).toBe('42703')
  })
})

describe('the accessToken option (tokens from elsewhere)', () => {
  it('sends that token on every call; auth is unavailable', async () => {
    const user = await signUpUser('token')
    await user.client.from('lists').insert({ name: 'mine' })
    const { data } = await user.client.auth.getSession()
    const t = floeTarget()
    const floe = createClient<Database>(t.url, t.anonKey, { accessToken: async () => data.session!.access_token })
    expect((await floe.from('lists').select('name')).data).toEqual([{ name: 'mine' }])
    expect(() => floe.auth.getSession()).toThrow(/accessToken option/)
    // Realtime is made on first use: on Node 20 without a transport, only then does it ask for one.
    expect(() => floe.channel('x')).toThrow(/WebSocket/)
  })
})
