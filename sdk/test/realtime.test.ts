/**
 * Realtime through the SDK against a real `floe start`: a subscription hears another client's
 * insert with its position (realtime-js alone drops it), and a channel rejoined with
 * `resumeChanges({ since })` receives the changes made while it was away, in order, none twice.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { resumeChanges, type FloePostgresChangesPayload, type RealtimeChannel } from '../src/index.js'
import type { Database } from './fixture.js'
import { newClient, signUpUser, waitFor, type TestClient, type TestUser } from './helpers.js'

type Todo = Database['public']['Tables']['todos']['Row']

function subscribed(channel: RealtimeChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve()
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(err ?? new Error(status))
    })
  })
}

describe('realtime', () => {
  let alice: TestUser
  let listener: TestClient
  let listId: number

  beforeAll(async () => {
    alice = await signUpUser('rt')
    // A second client signed in as the same user: the app on another device.
    listener = newClient()
    expect((await listener.auth.signInWithPassword({ email: alice.email, password: alice.password })).error).toBeNull()
    const { data } = await alice.client.from('lists').insert({ name: 'rt' }).select('id').single()
    listId = data!.id
  })

  it('hears another client’s insert, with its position; a rejoin from that position gets what it missed', async () => {
    const heard: FloePostgresChangesPayload<Todo>[] = []
    const channel = listener
      .channel('todos-a')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'todos', filter: `list_id=eq.${listId}` }, (p) => heard.push(p as FloePostgresChangesPayload<Todo>))
    const positions: string[] = []
    const resume = resumeChanges(channel, { onPosition: (p) => positions.push(p) })
    await subscribed(channel)

    expect((await alice.client.from('todos').insert({ list_id: listId, title: 'one' })).error).toBeNull()
    await waitFor(() => heard.length === 1, 10_000, 'the insert')
    expect(heard[0]).toMatchObject({ eventType: 'INSERT', table: 'todos', new: { title: 'one', owner_id: alice.id } })
    expect(heard[0]!.position).toEqual(expect.any(String))
    await waitFor(() => positions.length === 1, 2_000, 'onPosition')
    expect(positions).toEqual([heard[0]!.position])
    expect(resume.position).toBe(heard[0]!.position)
    await listener.removeChannel(channel)

    // Away: two more inserts nobody hears.
    await alice.client.from('todos').insert([{ list_id: listId, title: 'two' }, { list_id: listId, title: 'three' }])

    const missed: FloePostgresChangesPayload<Todo>[] = []
    const again = listener
      .channel('todos-b')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'todos', filter: `list_id=eq.${listId}` }, (p) => missed.push(p as FloePostgresChangesPayload<Todo>))
    resumeChanges(again, { since: resume.position })
    await subscribed(again)
    await waitFor(() => missed.length >= 2, 10_000, 'the missed changes')
    await alice.client.from('todos').insert({ list_id: listId, title: 'four' })
    await waitFor(() => missed.length >= 3, 10_000, 'a live change after the replay')
    await new Promise((r) => setTimeout(r, 300))
    expect(missed.map((p) => (p.new as Partial<Todo>).title)).toEqual(['two', 'three', 'four'])
    const pos = missed.map((p) => BigInt(p.position))
    expect(pos[0]! > BigInt(resume.position!) && pos[0]! < pos[1]! && pos[1]! < pos[2]!).toBe(true)
    await listener.removeAllChannels()
  })

  it('after the socket drops, realtime-js’s own rejoin resumes from the last position: nothing missed', async () => {
    const heard: FloePostgresChangesPayload<Todo>[] = []
    const channel = listener
      .channel('todos-drop')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'todos', filter: `list_id=eq.${listId}` }, (p) => heard.push(p as FloePostgresChangesPayload<Todo>))
    resumeChanges(channel)
    await subscribed(channel)
    await alice.client.from('todos').insert({ list_id: listId, title: 'before' })
    await waitFor(() => heard.length === 1, 10_000, 'the first insert')

    // Drop the connection as a network would (not disconnect(), which is a deliberate leave).
    const socket = (listener.realtime as unknown as { socketAdapter: { getSocket(): { conn: { close(): void } | null } } }).socketAdapter.getSocket()
    socket.conn!.close()
    await waitFor(() => !listener.realtime.isConnected(), 5_000, 'the socket to close')
    await alice.client.from('todos').insert([{ list_id: listId, title: 'while-away-1' }, { list_id: listId, title: 'while-away-2' }])
    await waitFor(() => heard.length >= 3, 20_000, 'the changes made while the socket was down')
    await new Promise((r) => setTimeout(r, 300))
    expect(heard.map((p) => (p.new as Partial<Todo>).title)).toEqual(['before', 'while-away-1', 'while-away-2'])
    await listener.removeChannel(channel)
  })

  it('a user does not hear another user’s rows', async () => {
    const bob = await signUpUser('rt-bob')
    const heard: unknown[] = []
    const channel = bob.client.channel('todos-bob').on('postgres_changes', { event: '*', schema: 'public', table: 'todos' }, (p) => heard.push(p))
    await subscribed(channel)
    await alice.client.from('todos').insert({ list_id: listId, title: 'secret' })
    const mine = await bob.client.from('lists').insert({ name: 'bob' }).select('id').single()
    await bob.client.from('todos').insert({ list_id: mine.data!.id, title: 'bob’s' })
    await waitFor(() => heard.length === 1, 10_000, 'bob’s own insert')
    await new Promise((r) => setTimeout(r, 300))
    expect(heard).toHaveLength(1)
    expect(heard[0]).toMatchObject({ new: { title: 'bob’s' } })
    await bob.client.removeAllChannels()
  })
})
