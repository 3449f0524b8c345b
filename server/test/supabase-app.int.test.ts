/**
 * A Supabase-style app, end to end, against a real Floe with only the URL and the key changed:
 * sign up, write and read its own rows under owner rules, upload an avatar into the user's own
 * folder, sign out. The code below is what a supabase-js app does; nothing Floe-specific.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, TEST_ANON_KEY, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { serveFloeOnPort, startBackend, type TestBackend } from './storage-helpers.js'
import { supabaseClient } from './supabase-client.js'

const SETUP = [
  `create table public.todos (
     id bigint generated always as identity primary key,
     owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
     title text not null check (char_length(title) <= 200),
     done boolean not null default false)`,
  `create policy todos_owner on public.todos for all to authenticated
     using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()))`,
  `grant select, insert, update, delete on public.todos to authenticated`,
  `create policy avatars_own on storage.objects for all to authenticated
     using (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text))
     with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text))`,
]

let t: TestDatabase
let backend: TestBackend
let floe: TestApp
let served: { url: string; close(): Promise<void> }

beforeAll(async () => {
  t = await createTestDatabase()
  backend = await startBackend('s3')
  served = await serveFloeOnPort(async (url) => (floe = await buildTestApp(t, { ...backend.env, PUBLIC_URL: url, AUTH_REQUIRE_EMAIL_VERIFICATION: 'false' })))
  const c = new pg.Client({ connectionString: t.url })
  await c.connect()
  for (const statement of SETUP) await c.query(statement)
  await c.query(`notify floe, 'reload schema'`)
  await c.end()
  const admin = supabaseClient(served.url, TEST_SERVICE_KEY)
  expect((await admin.storage.createBucket('avatars', { public: false, fileSizeLimit: '1MB', allowedMimeTypes: ['image/png'] })).error).toBeNull()
})
afterAll(async () => {
  await served?.close()
  await floe?.close()
  await backend?.close()
  await t?.drop()
})

async function waitForTable(sb: SupabaseClient): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await sb.from('todos').select('id').limit(1)).error?.code !== 'PGRST205') return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('a supabase-js app on Floe', () => {
  it('signs up, keeps its own todos, uploads its avatar, signs out', async () => {
    const supabase = supabaseClient(served.url, TEST_ANON_KEY)
    const other = supabaseClient(served.url, TEST_ANON_KEY)
    await waitForTable(supabase)

    const { data: signUp, error: signUpError } = await supabase.auth.signUp({ email: 'app-user@floe.test', password: 'correct horse battery staple 1' })
    expect(signUpError).toBeNull()
    const user = signUp.user!
    expect((await other.auth.signUp({ email: 'app-other@floe.test', password: 'correct horse battery staple 1' })).error).toBeNull()

    const inserted = await supabase.from('todos').insert([{ title: 'buy milk' }, { title: 'write app' }]).select()
    expect(inserted.error).toBeNull()
    expect(inserted.data).toEqual([
      { id: expect.any(Number), owner_id: user.id, title: 'buy milk', done: false },
      { id: expect.any(Number), owner_id: user.id, title: 'write app', done: false },
    ])
    expect((await other.from('todos').insert({ title: 'theirs' })).error).toBeNull()
    const forged = await other.from('todos').insert({ title: 'forged', owner_id: user.id })
    expect(forged.error?.code).toBe('42501')

    const mine = await supabase.from('todos').select('title, done').order('id')
    expect(mine.data).toEqual([{ title: 'buy milk', done: false }, { title: 'write app', done: false }])
    const updated = await supabase.from('todos').update({ done: true }).eq('title', 'buy milk').select('title, done').single()
    expect(updated.data).toEqual({ title: 'buy milk', done: true })
    expect((await other.from('todos').update({ done: true }).eq('title', 'write app').select()).data).toEqual([])

    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3b82f6' } }).png().toBuffer()
    const avatar = await supabase.storage.from('avatars').upload(`${user.id}/avatar.png`, png, { contentType: 'image/png', upsert: true })
    expect(avatar.error).toBeNull()
    expect(avatar.data?.path).toBe(`${user.id}/avatar.png`)
    const elsewhere = await other.storage.from('avatars').upload(`${user.id}/avatar.png`, png, { contentType: 'image/png', upsert: true })
    expect(elsewhere.error).toMatchObject({ status: 403 })
    const downloaded = await supabase.storage.from('avatars').download(`${user.id}/avatar.png`)
    expect(Buffer.from(await downloaded.data!.arrayBuffer())).toEqual(png)
    expect((await other.storage.from('avatars').download(`${user.id}/avatar.png`)).error).not.toBeNull()

    const { data: before } = await supabase.auth.getSession()
    expect((await supabase.auth.signOut()).error).toBeNull()
    expect((await supabase.from('todos').select('id')).data).toEqual([])
    const reuse = await supabaseClient(served.url, TEST_ANON_KEY).auth.refreshSession({ refresh_token: before.session!.refresh_token })
    expect(reuse.error).toMatchObject({ status: 400 })
  })
})
