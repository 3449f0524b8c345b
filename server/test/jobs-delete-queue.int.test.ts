import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildJobsApp, json, testPrefix, waitFor, type JobsTestApp } from './jobs-helpers.js'

const redisUrl = inject('redisUrl')

/** Deleting a queue declaration takes its jobs out of Redis: nothing is left that no declaration owns. */
describe.skipIf(!redisUrl)('DELETE /jobs/v1/admin/queues/:queue', () => {
  let t: TestDatabase
  let floe: JobsTestApp
  let redis: Redis
  const prefix = testPrefix()

  beforeAll(async () => {
    t = await createTestDatabase()
    floe = await buildJobsApp(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: prefix })
    redis = new Redis(redisUrl!)
  })
  afterAll(async () => {
    redis?.disconnect()
    await floe?.close()
    await t?.drop()
  })

  const keysOf = async (queue: string) => {
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}bull:${queue}:*`, 'COUNT', 1000)
      cursor = next
      keys.push(...found)
    } while (cursor !== '0')
    return keys
  }

  it('removes waiting, delayed and finished jobs and the schedules; the declaration is gone', async () => {
    const put = await floe.app.request('/jobs/v1/admin/queues/doomed', { method: 'PUT', headers: json(floe.service), body: '{"handler":"echo"}' })
    expect(put.status).toBe(201)
    const enqueue = (body: unknown) => floe.app.request('/jobs/v1/doomed', { method: 'POST', headers: json(floe.service), body: JSON.stringify(body) })
    const done = (await (await enqueue({ payload: { value: 1 } })).json()) as { id: string }
    expect((await enqueue({ payload: { value: 2 }, delay_ms: 3_600_000 })).status).toBe(202)
    const cron = await floe.app.request('/jobs/v1/admin/queues/doomed/schedules/hourly', {
      method: 'PUT',
      headers: json(floe.service),
      body: JSON.stringify({ cron: '0 * * * *', payload: { value: 3 } }),
    })
    expect(cron.status).toBeLessThan(300)
    await waitFor(async () => {
      const body = (await (await floe.app.request(`/jobs/v1/doomed/${done.id}`, { headers: floe.service })).json()) as { state: string }
      return body.state === 'completed'
    })
    expect((await keysOf('doomed')).length).toBeGreaterThan(0)

    const del = await floe.app.request('/jobs/v1/admin/queues/doomed', { method: 'DELETE', headers: floe.service })
    expect(del.status).toBe(200)

    expect(await keysOf('doomed')).toEqual([])
    const list = (await (await floe.app.request('/jobs/v1/admin/queues', { headers: floe.service })).json()) as { name: string }[]
    expect(list.map((q) => q.name)).not.toContain('doomed')
    const again = await floe.app.request('/jobs/v1/admin/queues/doomed', { method: 'DELETE', headers: floe.service })
    expect(again.status).toBe(404)
  })
})
