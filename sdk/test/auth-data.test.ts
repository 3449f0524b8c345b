/**
 * Auth and data through the SDK against a real `floe start`: sign-up, sign-in, refresh; CRUD with
 * an embed, typed from the fixture's Database, under owner rules (one user never reads or changes
 * another's rows).
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { newClient, signUpUser, type TestUser } from './helpers.js'

describe('auth', () => {
  it('signs up, signs in with the password, refreshes the session and reads the user', async () => {
    const { email, password, id } = await signUpUser('auth')
    const floe = newClient()
    const signIn = await floe.auth.signInWithPassword({ email, password })
    expect(signIn.error).toBeNull()
    const first = signIn.data.session!
    expect(first.user.id).toBe(id)

    const refreshed = await floe.auth.refreshSession()
    expect(refreshed.error).toBeNull()
    expect(refreshed.data.session!.refresh_token).not.toBe(first.refresh_token)
    const { data } = await floe.auth.getUser()
    expect(data.user?.email).toBe(email)

    expect((await floe.auth.signOut()).error).toBeNull()
    expect((await floe.auth.getSession()).data.session).toBeNull()
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
    const badSelect = await alice.client.from('lists').select('nope')
    expectTypeOf(badSelect.data).not.toEqualTypeOf<{ nope: unknown }[] | null>()
    expect(badSelect.error?.code).toBe('42703')
  })
})
