/**
 * Issue 19: a queue declaration is checked against the handlers that exist when it is made (the
 * built-ins and FLOE_FUNCTIONS_DIR's modules), so a typo is a 400 listing them, not jobs that
 * fail their attempts later; and a module added to the folder after boot counts at once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildJobsApp, json, testPrefix, type JobsTestApp } from './jobs-helpers.js'
import { expectErrorShape } from './rules-helpers.js'

const redisUrl = inject('redisUrl')
const DEFINE_HANDLER = fileURLToPath(new URL('../src/jobs/index.ts', import.meta.url))

describe.skipIf(!redisUrl)('queue declarations name a handler that exists', () => {
  let t: TestDatabase
  let floe: JobsTestApp
  let functionsDir: string

  const put = async (queue: string, body: unknown) => {
    const res = await floe.app.request(`/jobs/v1/admin/queues/${queue}`, { method: 'PUT', headers: json(floe.service), body: JSON.stringify(body) })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  beforeAll(async () => {
    t = await createTestDatabase()
    functionsDir = await mkdtemp(path.join(tmpdir(), 'floe-functions-'))
    await writeFile(path.join(functionsDir, 'resize.ts'), `import { defineHandler } from ${JSON.stringify(DEFINE_HANDLER)}\nexport default defineHandler({ run: async () => 'ok' })\n`)
    await writeFile(path.join(functionsDir, 'notes.ts'), 'export const nothing = 1\n')
    floe = await buildJobsApp(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix(), FLOE_FUNCTIONS_DIR: functionsDir }, { workers: false })
  })
  afterAll(async () => {
    await floe?.close()
    await t?.drop()
    if (functionsDir) await rm(functionsDir, { recursive: true, force: true })
  })

  it('accepts a module of the folder, a built-in, and a queue named after its module', async () => {
    expect((await put('thumbs', { handler: 'resize' })).status).toBe(201)
    expect((await put('hooks', { handler: 'webhook' })).status).toBe(201)
    expect((await put('mail', { handler: 'email' })).status).toBe(201)
    const own = await put('resize', {})
    expect(own.status).toBe(201)
    expect(own.body.handler).toBe('resize')
  })

  it('refuses a handler that does not exist with a 400 listing the known ones, and declares nothing', async () => {
    const typo = await put('thumbs2', { handler: 'resise' })
    expect(typo.status).toBe(400)
    expectErrorShape(typo.body, 'INVALID_INPUT')
    expect(typo.body.message).toBe('No job handler named "resise"')
    // notes.ts has no handler: it is not listed.
    expect(typo.body.details).toBe('Known handlers: email, resize, webhook')
    const list = (await (await floe.app.request('/jobs/v1/admin/queues', { headers: floe.service })).json()) as { name: string }[]
    expect(list.map((q) => q.name)).not.toContain('thumbs2')
  })

  it('refuses a queue without a handler whose own name is no handler, saying so', async () => {
    const res = await put('orders', { concurrency: 2 })
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/^No job handler named "orders" \(a queue runs the handler of its own name/)
    expect(res.body.details).toBe('Known handlers: email, resize, webhook')
    // nor a module that exists without a handler
    expect((await put('notes', {})).status).toBe(400)
  })

  it('refuses changing an existing queue to a missing handler, and leaves it as it was', async () => {
    const res = await put('thumbs', { handler: 'gone', concurrency: 3 })
    expect(res.status).toBe(400)
    const list = (await (await floe.app.request('/jobs/v1/admin/queues', { headers: floe.service })).json()) as { name: string; handler: string; concurrency: number }[]
    expect(list.find((q) => q.name === 'thumbs')).toMatchObject({ handler: 'resize', concurrency: 10 })
  })

  it('counts a module added to the folder after boot', async () => {
    expect((await put('later', { handler: 'late' })).status).toBe(400)
    await writeFile(path.join(functionsDir, 'late.ts'), `import { defineHandler } from ${JSON.stringify(DEFINE_HANDLER)}\nexport default defineHandler({ run: async () => 'late' })\n`)
    expect((await put('later', { handler: 'late' })).status).toBe(201)
  })
})
