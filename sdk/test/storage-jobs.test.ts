/**
 * Storage and jobs through the SDK against a real `floe start`: an upload/download round trip in
 * the user's own folder (another user gets nothing), and a job enqueued by a user, waited for with
 * its progress, typed from the Database's `Jobs` section; Floe's error bodies as FloeError.
 */
import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import WebSocket from 'ws'
import { createClient, FloeError, type FloeClient, type Job, type WebSocketLikeConstructor } from '../src/index.js'
import type { Database } from './fixture.js'
import { BUCKET, TEST_QUEUE } from './fixture.js'
import { floeTarget, newClient, signUpUser, type TestUser } from './helpers.js'

let alice: TestUser
let bob: TestUser

beforeAll(async () => {
  ;[alice, bob] = await Promise.all([signUpUser('alice'), signUpUser('bob')])
})

describe('storage', () => {
  beforeAll(async () => {
    const admin = newClient(floeTarget().serviceKey)
    const { error } = await admin.storage.createBucket(BUCKET, { public: false })
    expect(error).toBeNull()
  })

  it('uploads and downloads the same bytes in the owner’s folder; another user cannot read them', async () => {
    const bytes = randomBytes(64 * 1024)
    const path = `${alice.id}/blob.bin`
    const up = await alice.client.storage.from(BUCKET).upload(path, bytes, { contentType: 'application/octet-stream' })
    expect(up.error).toBeNull()
    expect(up.data?.path).toBe(path)

    const down = await alice.client.storage.from(BUCKET).download(path)
    expect(down.error).toBeNull()
    expect(Buffer.from(await down.data!.arrayBuffer()).equals(bytes)).toBe(true)

    const text = await alice.client.storage.from(BUCKET).upload(`${alice.id}/hello.txt`, new Blob(['hello floe'], { type: 'text/plain' }))
    expect(text.error).toBeNull()
    expect(await (await alice.client.storage.from(BUCKET).download(`${alice.id}/hello.txt`)).data!.text()).toBe('hello floe')

    expect((await bob.client.storage.from(BUCKET).download(path)).data).toBeNull()
    expect((await bob.client.storage.from(BUCKET).upload(`${alice.id}/evil.txt`, Buffer.from('x'), { contentType: 'text/plain' })).error).not.toBeNull()
  })

  // Found by these tests: a form cut before its closing boundary used to end `floe start`
  // (server/test/storage-truncated-form.int.test.ts holds the fix).
  it('a truncated multipart upload is a 4xx, and the server stays up', async () => {
    const t = floeTarget()
    const body = '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello'
    const res = await fetch(`${t.url}/storage/v1/object/${BUCKET}/${alice.id}/cut.txt`, {
      method: 'POST',
      headers: { apikey: t.anonKey, 'content-type': 'multipart/form-data; boundary=XYZ' },
      body,
    })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect((await fetch(`${t.url}/rest/v1/`, { headers: { apikey: t.anonKey } })).ok).toBe(true)
  })
})

describe('jobs', () => {
  it('waits over realtime by default: progress and result from the job feed, no polling', async () => {
    const requests: string[] = []
    const counting: typeof fetch = (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${new URL(input instanceof Request ? input.url : String(input)).pathname}`)
      return fetch(input, init)
    }
    const t = floeTarget()
    const client = createClient<Database>(t.url, t.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as unknown as WebSocketLikeConstructor },
      global: { fetch: counting },
    })
    expect((await client.auth.signInWithPassword({ email: alice.email, password: alice.password })).error).toBeNull()
    const ref = (await client.jobs.enqueue(TEST_QUEUE, { n: 5, step_ms: 400 })).data!
    const seen: unknown[] = []
    const done = await client.jobs.wait(ref, { intervalMs: 60_000, onProgress: (p) => seen.push(p) })
    expect(done.data).toMatchObject({ state: 'completed', result: { doubled: 10 } })
    expect(seen).toEqual([25, { step: 'almost', pct: 75 }])
    expect(requests.filter((r) => r.startsWith(`GET /jobs/v1/`))).toEqual([])
    expect(client.getChannels()).toEqual([])

    // Bob may not watch Alice's job: the feed refuses, the poll that follows answers why.
    const asBob = await bob.client.jobs.wait(ref)
    expect(asBob.error?.code).toBe('JOBS_JOB_NOT_FOUND')
    await client.removeAllChannels()
    await bob.client.removeAllChannels()
  })

  it('enqueues, reports progress while polling and gives the typed result', async () => {
    const enq = await alice.client.jobs.enqueue(TEST_QUEUE, { n: 21, step_ms: 600 })
    expect(enq.error).toBeNull()
    const ref = enq.data!
    expect(ref).toMatchObject({ queue: TEST_QUEUE, id: expect.any(String) })

    const seen: unknown[] = []
    const done = await alice.client.jobs.wait(ref, { transport: 'polling', intervalMs: 100, onProgress: (p) => seen.push(p) })
    expect(done.error).toBeNull()
    expectTypeOf(done.data!.result).toEqualTypeOf<{ doubled: number } | null>()
    expect(done.data).toMatchObject({ state: 'completed', result: { doubled: 42 }, payload: { n: 21, step_ms: 600 } })
    expect(seen).toEqual([25, { step: 'almost', pct: 75 }])

    const got = await alice.client.jobs.get(TEST_QUEUE, ref.id)
    expect(got.data?.state).toBe('completed')
    expectTypeOf(got.data).toEqualTypeOf<Job<'sdk-progress', { Payload: { n: number; step_ms?: number }; Result: { doubled: number }; Progress: number | { step: string; pct: number } }> | null>()
  })

  it('takes `floe gen types`’s separate Jobs type through an intersection', () => {
    // gen types prints `export type Jobs = { <queue>: { Payload } }` beside Database.
    type GeneratedJobs = { 'sdk-progress': { Payload: { n: number } } }
    type Client = FloeClient<Omit<Database, 'Jobs'> & { Jobs: GeneratedJobs }>
    expectTypeOf<Parameters<Client['jobs']['enqueue']>[1]>().toEqualTypeOf<{ n: number }>()
    expectTypeOf<Parameters<Client['jobs']['enqueue']>[0]>().toEqualTypeOf<'sdk-progress'>()
  })

  it('the same idempotency key gives the same job', async () => {
    const key = `k-${randomBytes(4).toString('hex')}`
    const a = await alice.client.jobs.enqueue(TEST_QUEUE, { n: 1, step_ms: 1 }, { idempotencyKey: key, priority: 1 })
    const b = await alice.client.jobs.enqueue(TEST_QUEUE, { n: 1, step_ms: 1 }, { idempotencyKey: key })
    expect(a.data!.id).toBe(b.data!.id)
  })

  it('a job is visible to the user who enqueued it only; errors carry Floe’s code and status', async () => {
    const { data: ref } = await alice.client.jobs.enqueue(TEST_QUEUE, { n: 2, step_ms: 1 }, { delayMs: 60_000 })
    const other = await bob.client.jobs.get(ref!)
    expect(other.error).toBeInstanceOf(FloeError)
    expect(other.error).toMatchObject({ status: 404 })
    expect(other.error!.code).toMatch(/^[A-Z_]+$/)

    const anon = await newClient().jobs.enqueue(TEST_QUEUE, { n: 1 })
    expect(anon.error?.status).toBe(403)

    // @ts-expect-error -- the payload of sdk-progress needs `n: number`
    const wrong = await alice.client.jobs.enqueue(TEST_QUEUE, { m: 'x' })
    expect(wrong.error).toBeNull() // the handler declares no zod schema: the server takes it

    const unknownQueue = await newClient(floeTarget().serviceKey).jobs.enqueue('no-such-queue' as typeof TEST_QUEUE, { n: 1 })
    expect(unknownQueue.error).toMatchObject({ status: 404, code: expect.stringMatching(/^JOBS_/) })
  })

  it('stops waiting when the signal aborts (the job goes on)', async () => {
    const { data: ref } = await alice.client.jobs.enqueue(TEST_QUEUE, { n: 3 }, { delayMs: 60_000 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    const res = await alice.client.jobs.wait(ref!, { signal: controller.signal, intervalMs: 50 })
    expect(res.error?.code).toBe('ABORTED')
    expect((await alice.client.jobs.get(ref!)).data?.state).toBe('delayed')
  })
})
