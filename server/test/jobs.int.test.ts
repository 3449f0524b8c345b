import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'
import { idempotentJobId } from '../src/jobs/job-id.js'
import { buildJobsApp, json, testPrefix, waitFor, type JobsTestApp } from './jobs-helpers.js'

const redisUrl = inject('redisUrl')

describe.skipIf(!redisUrl)('jobs (/jobs/v1) on real Redis + Postgres', () => {
  let t: TestDatabase
  let floe: JobsTestApp
  let sql: pg.Pool

  beforeAll(async () => {
    t = await createTestDatabase()
    sql = new pg.Pool({ connectionString: t.url, max: 2 })
    await sql.query('create table public.job_attempts (at timestamptz); create table public.job_log (job_id text, payload jsonb)')
    floe = await buildJobsApp(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix() })
    const declare = async (name: string, body: Record<string, unknown>) => {
      const res = await floe.app.request(`/jobs/v1/admin/queues/${name}`, { method: 'PUT', headers: json(floe.service), body: JSON.stringify(body) })
      expect(res.status).toBe(201)
    }
    await declare('echo', { enqueue_roles: ['authenticated'] })
    await declare('fail', { attempts: 3, backoff_type: 'exponential', backoff_ms: 200 })
    await declare('record', { enqueue_roles: ['anon', 'authenticated'] })
    await declare('slow', { attempts: 1, timeout_ms: 300 })
  })
  afterAll(async () => {
    await floe?.close()
    await sql?.end()
    await t?.drop()
  })

  const enqueue = (queue: string, headers: Record<string, string>, body: unknown) =>
    floe.app.request(`/jobs/v1/${queue}`, { method: 'POST', headers: json(headers), body: JSON.stringify(body) })
  const status = async (queue: string, id: string, headers: Record<string, string>) => floe.app.request(`/jobs/v1/${queue}/${id}`, { headers })

  it('enqueue → handler runs → result, progress and state readable by the enqueuer', async () => {
    const alice = await floe.asUser({ sub: 'alice' })
    const res = await enqueue('echo', alice, { payload: { value: 42 } })
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const job = await waitFor(async () => {
      const body = (await (await status('echo', id, alice)).json()) as { state: string }
      return body.state === 'completed' ? body : undefined
    })
    expect(job).toMatchObject({ id, queue: 'echo', state: 'completed', payload: { value: 42 }, progress: 50, result: { echoed: 42, attempt: 1 }, failed_reason: null })
  })

  it('retries a failing handler with exponential backoff, then marks it failed with its error', async () => {
    const res = await enqueue('fail', floe.service, { payload: {} })
    const { id } = (await res.json()) as { id: string }
    const job = await waitFor(async () => {
      const body = (await (await status('fail', id, floe.service)).json()) as { state: string }
      return body.state === 'failed' ? body : undefined
    }, 15_000)
    expect(job).toMatchObject({ state: 'failed', attempts_made: 3, failed_reason: 'boom on attempt 3' })
    const { rows } = await sql.query<{ at: Date }>('select at from public.job_attempts order by at')
    expect(rows).toHaveLength(3)
    const gaps = [rows[1]!.at.getTime() - rows[0]!.at.getTime(), rows[2]!.at.getTime() - rows[1]!.at.getTime()]
    // backoff 200 ms exponential: ~200 ms then ~400 ms
    expect(gaps[0]).toBeGreaterThanOrEqual(180)
    expect(gaps[1]).toBeGreaterThanOrEqual(380)
    // The dead-letter view lists it, and a replay runs it again with fresh attempts.
    const dead = (await (await floe.app.request('/jobs/v1/admin/dead-letter', { headers: floe.service })).json()) as { id: string }[]
    expect(dead.map((j) => j.id)).toContain(id)
    const retry = await floe.app.request(`/jobs/v1/admin/queues/fail/jobs/${id}/retry`, { method: 'POST', headers: floe.service })
    expect(retry.status).toBe(200)
    await waitFor(async () => (await sql.query('select 1 from public.job_attempts')).rowCount! >= 4, 10_000, 'the replayed attempt')
  })

  it('an idempotency key never creates two jobs', async () => {
    const bob = await floe.asUser({ sub: 'bob' })
    const ids = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const res = await enqueue('record', bob, { payload: { n: i }, idempotency_key: 'order-17' })
      expect(res.status).toBe(202)
      ids.add(((await res.json()) as { id: string }).id)
    }
    expect(ids.size).toBe(1)
    const [id] = [...ids]
    await waitFor(async () => ((await (await status('record', id!, bob)).json()) as { state: string }).state === 'completed')
    const { rows } = await sql.query('select payload from public.job_log where job_id = $1', [id])
    expect(rows).toEqual([{ payload: { n: 0 } }])
  })

  it('floe.enqueue: an idempotency key in the options dedupes across transactions, the first one wins, and the id it answers is the job\'s', async () => {
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      const { rows } = await sql.query<{ id: string }>(`select floe.enqueue('record', $1::jsonb, '{"idempotency_key": "sql-key"}') as id`, [JSON.stringify({ sqlkey: i })])
      ids.push(rows[0]!.id)
    }
    // The server's own connection enqueues as role 'none', no sub: the same id the HTTP path makes.
    expect(ids).toEqual([idempotentJobId({ role: 'none', sub: null }, 'sql-key'), idempotentJobId({ role: 'none', sub: null }, 'sql-key')])
    await waitFor(async () => (await sql.query(`select 1 from public.job_log where payload ? 'sqlkey'`)).rowCount! >= 1, 10_000, 'the job')
    await new Promise((r) => setTimeout(r, 800)) // a second job would land in this window
    const { rows } = await sql.query(`select job_id, payload from public.job_log where payload ? 'sqlkey'`)
    expect(rows).toEqual([{ job_id: ids[0], payload: { sqlkey: 0 } }])
    expect((await status('record', ids[0]!, floe.service)).status).toBe(200)
  })

  it('floe.enqueue as a signed-in user and POST /jobs/v1 with the same key make one job', async () => {
    const carol = await floe.asUser({ sub: 'carol' })
    const c = await sql.connect()
    let id: string
    try {
      // What an RPC called by carol through /rest/v1 runs: her role and claims, then the enqueue.
      await c.query('begin')
      await c.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '{"sub":"carol","role":"authenticated"}', true)`)
      id = (await c.query<{ id: string }>(`select floe.enqueue('record', '{"via":"sql"}', '{"idempotency_key":"carol-1"}') as id`)).rows[0]!.id
      await c.query('commit')
    } catch (err) {
      await c.query('rollback')
      throw err
    } finally {
      c.release()
    }
    expect(id).toBe(idempotentJobId({ role: 'authenticated', sub: 'carol' }, 'carol-1'))
    await waitFor(async () => (await sql.query('select 1 from public.job_log where job_id = $1', [id])).rowCount === 1, 10_000, 'the job')
    const res = await enqueue('record', carol, { payload: { via: 'http' }, idempotency_key: 'carol-1' })
    expect(res.status).toBe(202)
    expect(((await res.json()) as { id: string }).id).toBe(id)
    await new Promise((r) => setTimeout(r, 500))
    const { rows } = await sql.query('select payload from public.job_log where job_id = $1', [id])
    expect(rows).toEqual([{ payload: { via: 'sql' } }])
  })

  it('role checks: who may enqueue, and a user sees only their own jobs', async () => {
    const alice = await floe.asUser({ sub: 'alice' })
    const mallory = await floe.asUser({ sub: 'mallory' })
    expect((await enqueue('echo', floe.anon, { payload: {} })).status).toBe(403) // echo: authenticated only
    expect((await enqueue('fail', alice, { payload: {} })).status).toBe(403) // fail: service only
    const res = await enqueue('echo', alice, { payload: { value: 'secret' } })
    const { id } = (await res.json()) as { id: string }
    expect((await status('echo', id, alice)).status).toBe(200)
    expect((await status('echo', id, mallory)).status).toBe(404)
    expect((await status('echo', id, floe.anon)).status).toBe(404)
    expect((await status('echo', id, floe.service)).status).toBe(200)
    // Admin routes need the service key.
    expect((await floe.app.request('/jobs/v1/admin/queues', { headers: alice })).status).toBe(403)
  })

  it('a handler past its timeout fails, and its abort signal fires (read before or after the timeout)', async () => {
    const ids = await Promise.all(
      [{ late: false }, { late: true }].map(async (payload) => ((await (await enqueue('slow', floe.service, { payload })).json()) as { id: string }).id),
    )
    for (const id of ids) {
      const job = await waitFor(async () => {
        const body = (await (await status('slow', id, floe.service)).json()) as { state: string }
        return body.state === 'failed' ? body : undefined
      })
      expect(job).toMatchObject({ failed_reason: 'timed out after 300 ms' })
    }
    await waitFor(async () => (await sql.query('select 1 from public.job_log where job_id = any($1)', [ids])).rowCount === 2, 5_000, 'both handlers aborted')
    const { rows } = await sql.query<{ payload: { aborted: boolean } }>('select payload from public.job_log where job_id = any($1)', [ids])
    expect(rows.map((r) => r.payload.aborted)).toEqual([true, true])
  })

  it('bad input is a 4xx in the shared shape, never a 500', async () => {
    const cases: [string, RequestInit, number][] = [
      ['/jobs/v1/nope', { method: 'POST', headers: json(floe.service), body: '{"payload":1}' }, 404],
      ['/jobs/v1/echo', { method: 'POST', headers: json(floe.service), body: '{"payload":1,"delay_ms":-1}' }, 400],
      ['/jobs/v1/echo', { method: 'POST', headers: json(floe.service), body: '{"payload":1,"extra":true}' }, 400],
      ['/jobs/v1/echo', { method: 'POST', headers: json(floe.service), body: JSON.stringify({ payload: 'x'.repeat(70_000) }) }, 413],
      ['/jobs/v1/Bad:Name', { method: 'POST', headers: json(floe.service), body: '{"payload":1}' }, 400],
      // The enqueue route reads its own body: the same answers as the validator middleware's.
      ['/jobs/v1/echo', { method: 'POST', headers: json(floe.service), body: '{"payload":' }, 400],
      ['/jobs/v1/echo', { method: 'POST', headers: { ...floe.service, 'content-type': 'text/plain' }, body: '{"payload":1}' }, 415],
      ['/jobs/v1/echo', { method: 'POST', headers: json(floe.service), body: JSON.stringify({ payload: 'x'.repeat(2_000_000) }) }, 413],
      ['/jobs/v1/echo/no-such-job', { headers: floe.service }, 404],
      ['/jobs/v1/admin/queues/echo', { method: 'PUT', headers: json(floe.service), body: '{"concurrency":0}' }, 400],
      ['/jobs/v1/admin/queues/echo/schedules/s1', { method: 'PUT', headers: json(floe.service), body: '{"cron":"not a cron"}' }, 400],
      ['/jobs/v1/admin/queues/echo/schedules/s1', { method: 'PUT', headers: json(floe.service), body: '{"cron":"* * * * *","tz":"Mars/Base"}' }, 400],
      ['/jobs/v1/admin/webhooks', { method: 'POST', headers: json(floe.service), body: '{"name":"w","table":"nope","events":["insert"],"url":"http://x"}' }, 404],
    ]
    for (const [path, init, expected] of cases) {
      const res = await floe.app.request(path, init as never)
      const body = (await res.json()) as Record<string, unknown>
      expect({ path, status: res.status }).toEqual({ path, status: expected })
      expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message'])
    }
  })

  it('a cron schedule fires, and admin counts / pause / resume work', async () => {
    const put = await floe.app.request('/jobs/v1/admin/queues/record/schedules/tick', {
      method: 'PUT',
      headers: json(floe.service),
      body: JSON.stringify({ cron: '* * * * * *', tz: 'Europe/Paris', payload: { tick: true } }),
    })
    expect(put.status).toBe(200)
    expect(await put.json()).toMatchObject({ id: 'tick', cron: '* * * * * *', tz: 'Europe/Paris' })
    await waitFor(async () => (await sql.query(`select 1 from public.job_log where payload = '{"tick": true}'`)).rowCount! >= 2, 10_000, 'two cron runs')
    const done = (await (await floe.app.request('/jobs/v1/admin/queues/record/jobs?state=completed', { headers: floe.service })).json()) as { id: string }[]
    const cronRun = done.find((j) => j.id.startsWith('repeat:'))
    expect(cronRun).toBeDefined()
    expect((await status('record', cronRun!.id, floe.service)).status).toBe(200)
    const del = await floe.app.request('/jobs/v1/admin/queues/record/schedules/tick', { method: 'DELETE', headers: floe.service })
    expect(del.status).toBe(200)

    const paused = await floe.app.request('/jobs/v1/admin/queues/record/pause', { method: 'POST', headers: floe.service })
    expect(await paused.json()).toEqual({ queue: 'record', paused: true })
    const listed = (await (await floe.app.request('/jobs/v1/admin/queues', { headers: floe.service })).json()) as { name: string; paused: boolean | null }[]
    expect(listed.find((q) => q.name === 'record')?.paused).toBe(true)
    expect(listed.find((q) => q.name === 'echo')?.paused).toBe(false)
    const res = await enqueue('record', floe.service, { payload: { while: 'paused' } })
    expect(res.status).toBe(202)
    await new Promise((r) => setTimeout(r, 300))
    const counts = (await (await floe.app.request('/jobs/v1/admin/queues/record/counts', { headers: floe.service })).json()) as Record<string, number>
    expect(counts.waiting).toBe(1)
    await floe.app.request('/jobs/v1/admin/queues/record/resume', { method: 'POST', headers: floe.service })
    await waitFor(async () => (await sql.query(`select 1 from public.job_log where payload = '{"while": "paused"}'`)).rowCount === 1)
  })
})
