/**
 * Issue 17: a job's events over realtime (what `jobs.wait` in the SDK listens to), in a real
 * `floe start` with Redis and in-process workers. A channel joined with `floe.job = { queue, id }`
 * hears `job` broadcasts (the job as GET /jobs/v1/<queue>/<id> shows it) at once and on each change,
 * only for the job's enqueuer or the service role, and nobody can send into it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { signJwt, jwtKeysFrom } from '../src/auth/index.js'
import { TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SERVICE_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { dropPrefix, FUNCTIONS_DIR, testPrefix } from './jobs-helpers.js'
import { startFloeProcess, type FloeProcess } from './process.js'
import { RawClient, sleep, type Frame } from './realtime-helpers.js'

const redisUrl = inject('redisUrl')
const prefix = testPrefix()

describe.skipIf(!redisUrl)('job events over realtime', () => {
  let t: TestDatabase
  let floe: FloeProcess
  const token = (sub: string) => signJwt({ role: 'authenticated', sub }, jwtKeysFrom(TEST_JWT_SECRET, []), '1h')
  const enqueue = async (sub: string, payload: unknown) => {
    const res = await fetch(`${floe.url}/jobs/v1/echo`, {
      method: 'POST',
      headers: { apikey: TEST_ANON_KEY, authorization: `Bearer ${await token(sub)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payload }),
    })
    expect(res.status).toBe(202)
    return ((await res.json()) as { id: string }).id
  }
  const jobEvents = (c: RawClient, topic: string) =>
    c.frames.filter((f: Frame) => f.topic === `realtime:${topic}` && f.event === 'broadcast' && f.payload.event === 'job').map((f) => f.payload.payload as { state: string; progress: unknown; result: unknown })

  beforeAll(async () => {
    t = await createTestDatabase()
    floe = await startFloeProcess(testEnv(t, { PORT: String(await findFreePort()), REDIS_URL: redisUrl!, REDIS_PREFIX: prefix, FLOE_FUNCTIONS_DIR: FUNCTIONS_DIR }))
    const res = await fetch(`${floe.url}/jobs/v1/admin/queues/echo`, {
      method: 'PUT',
      headers: { apikey: TEST_SERVICE_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ enqueue_roles: ['authenticated'] }),
    })
    expect(res.status).toBe(201)
  })
  afterAll(async () => {
    if (floe) {
      floe.signal('SIGTERM')
      await floe.exited
    }
    await t?.drop()
    if (redisUrl) await dropPrefix(redisUrl, prefix)
  })

  it("sends the enqueuer the job at once and at each change, up to its result", async () => {
    const id = await enqueue('alice', { value: 7, wait_ms: 400 })
    const c = await RawClient.open(floe.url, { apikey: TEST_ANON_KEY })
    const ref = c.join('job-a', { config: {}, floe: { job: { queue: 'echo', id } }, access_token: await token('alice') })
    expect((await c.reply(ref)).payload).toEqual({ status: 'ok', response: { postgres_changes: [] } })
    await c.next((f) => f.event === 'broadcast' && f.payload.payload?.state === 'completed', 10_000)
    const events = jobEvents(c, 'job-a')
    expect(events.at(-1)).toMatchObject({ id, queue: 'echo', state: 'completed', progress: 50, result: { echoed: 7, attempt: 1 } })
    // Seen on its way: the progress before the result (the handler waits 400 ms after reporting it).
    expect(events.some((e) => e.state === 'active' && e.progress === 50)).toBe(true)
    c.close()
  })

  it('refuses another user, the anon key and an unknown job, naming why', async () => {
    const id = await enqueue('alice', { value: 1 })
    const c = await RawClient.open(floe.url, { apikey: TEST_ANON_KEY })
    const asBob = c.join('job-b', { config: {}, floe: { job: { queue: 'echo', id } }, access_token: await token('bob') })
    expect((await c.reply(asBob)).payload).toEqual({ status: 'error', response: { reason: `JobNotFound: No job ${id} in queue "echo"` } })
    const asAnon = c.join('job-c', { config: {}, floe: { job: { queue: 'echo', id } } })
    expect((await c.reply(asAnon)).payload.response.reason).toMatch(/^JobNotFound:/)
    const unknown = c.join('job-d', { config: {}, floe: { job: { queue: 'nope', id: '1' } }, access_token: await token('alice') })
    expect((await c.reply(unknown)).payload.response.reason).toMatch(/^JobNotFound:/)
    const bad = c.join('job-e', { config: {}, floe: { job: { queue: '', id } } })
    expect((await c.reply(bad)).payload.response.reason).toMatch(/^InvalidJoinPayload:/)
    c.close()
  })

  it('is not a broadcast room: a client on the same topic cannot send job events into it', async () => {
    const id = await enqueue('alice', { value: 2, wait_ms: 1500 })
    const alice = await RawClient.open(floe.url, { apikey: TEST_ANON_KEY })
    const ref = alice.join('job-f', { config: {}, floe: { job: { queue: 'echo', id } }, access_token: await token('alice') })
    expect((await alice.reply(ref)).payload.status).toBe('ok')
    const mallory = await RawClient.open(floe.url, { apikey: TEST_ANON_KEY })
    const joined = mallory.join('job-f', { config: { broadcast: { self: true } } })
    expect((await mallory.reply(joined)).payload.status).toBe('ok')
    mallory.send('realtime:job-f', 'broadcast', { type: 'broadcast', event: 'job', payload: { state: 'completed', result: 'forged' } }, { joinRef: joined })
    await mallory.next((f) => f.event === 'broadcast' && f.payload.payload?.result === 'forged')
    await sleep(300)
    expect(jobEvents(alice, 'job-f').some((e) => e.result === 'forged')).toBe(false)
    await alice.next((f) => f.event === 'broadcast' && f.payload.payload?.state === 'completed', 10_000)
    alice.close()
    mallory.close()
  })
})
