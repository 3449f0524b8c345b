import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildJobsApp, json, testPrefix, waitFor, type JobsTestApp } from './jobs-helpers.js'

const redisUrl = inject('redisUrl')

/** Handlers get a storage client: the objects they write are the ones /storage/v1 serves. */
describe.skipIf(!redisUrl)('job handler context: storage', () => {
  let t: TestDatabase
  let floe: JobsTestApp
  let dataDir: string

  beforeAll(async () => {
    t = await createTestDatabase()
    dataDir = await mkdtemp(path.join(tmpdir(), 'floe-jobs-storage-'))
    floe = await buildJobsApp(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix(), FLOE_DATA_DIR: dataDir })
    const res = await floe.app.request('/jobs/v1/admin/queues/store', { method: 'PUT', headers: json(floe.service), body: '{"attempts":1}' })
    expect(res.status).toBe(201)
  })
  afterAll(async () => {
    await floe?.close()
    await t?.drop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('a handler writes and reads an object as the service role; the API serves the same object', async () => {
    const payload = { bucket: 'reports', name: 'daily/summary.txt', text: 'made by a job' }
    const res = await floe.app.request('/jobs/v1/store', { method: 'POST', headers: json(floe.service), body: JSON.stringify({ payload }) })
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const job = await waitFor(async () => {
      const body = (await (await floe.app.request(`/jobs/v1/store/${id}`, { headers: floe.service })).json()) as { state: string }
      return body.state === 'completed' || body.state === 'failed' ? body : undefined
    })
    expect(job).toMatchObject({ state: 'completed', result: { text: 'made by a job', size: 13 } })

    const download = await floe.app.request('/storage/v1/object/reports/daily/summary.txt', { headers: floe.service })
    expect(download.status).toBe(200)
    expect(await download.text()).toBe('made by a job')
  })
})
