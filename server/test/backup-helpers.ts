/**
 * What the backup tests put into an instance and check after a restore: app rows behind a rule,
 * a user with a password, the instance's keys, a declared queue and a stored file.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { expect } from 'vitest'
import { dropPrefix } from './jobs-helpers.js'
import { runFloe, startFloeProcess, type FloeProcess } from './process.js'

export const PASSWORD = 'backup-Restore-42!'

export interface Seed {
  suffix: string
  email: string
  queue: string
  bucket: string
  file: Buffer
  anonKey: string
  serviceKey: string
}

/** App table, rows and a rule, written as an app's own migration or SQL editor would. */
export async function seedSql(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(`
      create table public.notes (id int primary key, body text not null, secret boolean not null default false);
      insert into public.notes values (1, 'first', false), (2, 'second', false), (3, 'hidden', true);
      grant select on public.notes to anon, authenticated;
      create policy notes_public_read on public.notes for select to anon using (not secret);`)
  } finally {
    await c.end()
  }
}

export async function readKeys(env: Record<string, string>): Promise<{ anonKey: string; serviceKey: string }> {
  const keys = await runFloe(['keys'], { ...env, LOG_LEVEL: 'warn' })
  expect(keys.code, keys.stderr).toBe(0)
  return { anonKey: /^anon\s+(\S+)$/m.exec(keys.stdout)![1]!, serviceKey: /^service\s+(\S+)$/m.exec(keys.stdout)![1]! }
}

const call = (floe: FloeProcess, key: string, path: string, init: RequestInit = {}) =>
  fetch(floe.url + path, { ...init, headers: { apikey: key, ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) } })

/** Through the API of a running server: a user, a queue, a bucket and a file. */
export async function seedApi(floe: FloeProcess, keys: { anonKey: string; serviceKey: string }): Promise<Seed> {
  const suffix = randomBytes(4).toString('hex')
  const seed: Seed = { suffix, email: `keeper-${suffix}@floe.test`, queue: `thumbs-${suffix}`, bucket: `docs-${suffix}`, file: randomBytes(300_000), ...keys }
  const signup = await call(floe, seed.anonKey, '/auth/v1/signup', { method: 'POST', body: JSON.stringify({ email: seed.email, password: PASSWORD }) })
  expect(signup.status, await signup.clone().text()).toBe(200)
  const queue = await call(floe, seed.serviceKey, `/jobs/v1/admin/queues/${seed.queue}`, { method: 'PUT', body: JSON.stringify({ handler: 'webhook', concurrency: 3 }) })
  expect(queue.status, await queue.clone().text()).toBe(201)
  const bucket = await call(floe, seed.serviceKey, '/storage/v1/bucket', { method: 'POST', body: JSON.stringify({ name: seed.bucket }) })
  expect(bucket.status, await bucket.clone().text()).toBe(201)
  const upload = await call(floe, seed.serviceKey, `/storage/v1/object/${seed.bucket}/a/photo.bin`, {
    method: 'POST',
    body: seed.file,
    headers: { 'content-type': 'image/x-test' },
  })
  expect(upload.status, await upload.clone().text()).toBeLessThan(300)
  return seed
}

/** Everything seeded is back, and works, on a server started on the restored data. */
export async function checkRestored(floe: FloeProcess, seed: Seed): Promise<void> {
  // Rows equal, and the rule still decides: anon sees the two public rows, the service key all three.
  const all = await call(floe, seed.serviceKey, '/rest/v1/notes?order=id')
  expect(all.status).toBe(200)
  expect(await all.json()).toEqual([
    { id: 1, body: 'first', secret: false },
    { id: 2, body: 'second', secret: false },
    { id: 3, body: 'hidden', secret: true },
  ])
  const anon = await call(floe, seed.anonKey, '/rest/v1/notes?order=id&select=id')
  expect(anon.status).toBe(200)
  expect(await anon.json()).toEqual([{ id: 1 }, { id: 2 }])

  // The user signs in with the old password (and not with another).
  const signIn = await call(floe, seed.anonKey, '/auth/v1/token?grant_type=password', { method: 'POST', body: JSON.stringify({ email: seed.email, password: PASSWORD }) })
  expect(signIn.status, await signIn.clone().text()).toBe(200)
  expect(await signIn.json()).toMatchObject({ access_token: expect.any(String), user: { email: seed.email } })
  const wrong = await call(floe, seed.anonKey, '/auth/v1/token?grant_type=password', { method: 'POST', body: JSON.stringify({ email: seed.email, password: 'not-the-password' }) })
  expect(wrong.status).toBe(400)

  // The old service key still works (admin routes), and the queue is declared.
  const queues = await call(floe, seed.serviceKey, '/jobs/v1/admin/queues')
  expect(queues.status, await queues.clone().text()).toBe(200)
  expect(JSON.stringify(await queues.json())).toContain(seed.queue)

  // The file's bytes are equal.
  const file = await call(floe, seed.serviceKey, `/storage/v1/object/${seed.bucket}/a/photo.bin`)
  expect(file.status).toBe(200)
  expect(file.headers.get('content-type')).toBe('image/x-test')
  expect(Buffer.from(await file.arrayBuffer()).equals(seed.file)).toBe(true)
}

/** `floe start` with the test's settings; a Redis prefix of its own, dropped with `stop()`. */
export async function startFloe(env: Record<string, string>, redisUrl: string | undefined): Promise<{ floe: FloeProcess; stop(): Promise<void> }> {
  const prefix = `floe-bk-${randomBytes(4).toString('hex')}:`
  const floe = await startFloeProcess({ ...env, ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: prefix } : {}) }, { timeoutMs: 90_000 })
  return {
    floe,
    async stop() {
      floe.signal('SIGINT')
      expect(await floe.exited).toBe(0)
      if (redisUrl) await dropPrefix(redisUrl, prefix)
    },
  }
}
