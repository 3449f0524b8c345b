/**
 * GET /metrics (issue 19): who may scrape it (service key, METRICS_TOKEN; nobody else), and that
 * each series moves by exactly what the test did — REST requests by route template through both
 * front ends, object bytes in and out, a job completed and one failed after a retry, a realtime
 * socket and channel and the frames it received, the pool, a schema cache reload — read back with
 * a real Prometheus text parser. No label value may carry a path, a table, an object or an id.
 */
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createServerApp } from '../src/app.js'
import { createJobs, type Jobs } from '../src/jobs/index.js'
import { QUEUE_DEPTH_TTL_MS } from '../src/metrics/index.js'
import { buildTestApp, serveOverHttp, TEST_ANON_KEY, TEST_SERVICE_KEY, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { dropPrefix, FUNCTIONS_DIR, json, testPrefix, waitFor } from './jobs-helpers.js'
import { RawClient, until } from './realtime-helpers.js'
import { startBackend, type TestBackend } from './storage-helpers.js'

const redisUrl = inject('redisUrl')
const METRICS_TOKEN = 'metrics-token-0123456789abcdef0123456789'
const BUCKET = 'metrics-bucket'
const OBJECT = 'reports/q3-4b1e9f.bin'

describe('GET /metrics', () => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: TestApp
  let jobs: Jobs | undefined
  let served: ReturnType<typeof serveOverHttp>
  let app: ReturnType<typeof createServerApp>['app']
  const prefix = testPrefix()

  beforeAll(async () => {
    t = await createTestDatabase()
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    await c.query(`create table public.items (id int primary key, name text);
                   insert into public.items select g, 'item ' || g from generate_series(1, 20) g;
                   create table public.job_attempts (at timestamptz)`)
    await c.end()
    backend = await startBackend('s3')
    const jobsEnv: Record<string, string> = redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, FLOE_FUNCTIONS_DIR: FUNCTIONS_DIR, JOBS_RELAY_SWEEP_MS: '200' } : {}
    floe = await buildTestApp(t, { ...backend.env, ...jobsEnv, METRICS_TOKEN })
    if (redisUrl) {
      jobs = await createJobs({ config: floe.config, database: floe.database, log: floe.deps.log, storage: floe.deps.storage, workers: true, meter: floe.deps.metrics.jobs })
    }
    const built = createServerApp({ ...floe.deps, jobs })
    app = built.app
    served = serveOverHttp(built.app.fetch, built.nodeFront, built.nodeUpgrade)
  }, 60_000)

  afterAll(async () => {
    await served?.close()
    await jobs?.close()
    await floe?.close()
    await backend?.close()
    await t?.drop()
    if (redisUrl) await dropPrefix(redisUrl, prefix)
  })

  const scrape = async (headers: Record<string, string> = floe.service) => {
    const res = await app.request('/metrics', { headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    return new Scrape(await res.text())
  }

  it.each([
    ['no credentials', {}],
    ['the anon key', { apikey: TEST_ANON_KEY }],
    ['the anon key as bearer', { authorization: `Bearer ${TEST_ANON_KEY}` }],
    ['a wrong token', { authorization: `Bearer ${METRICS_TOKEN.replace(/.$/, 'x')}` }],
    ['a wrong token as apikey', { apikey: 'metrics-token-wrong-0123456789abcdef0123' }],
    ['a signed-in user', { authorization: 'USER' }],
  ])('answers 401 in the shared error shape to %s', async (_, given: Record<string, string>) => {
    const headers = given.authorization === 'USER' ? await floe.asUser({ sub: '7d3c1a52-52c4-4d0c-9f39-0c0b5c1a7e11' }) : given
    const res = await app.request('/metrics', { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
    expect(await res.json()).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Missing or invalid credentials',
      details: 'GET /metrics needs the service key or METRICS_TOKEN',
      hint: 'Send Authorization: Bearer <METRICS_TOKEN>',
    })
  })

  it('serves the service key (apikey or bearer) and METRICS_TOKEN, over the real server too', async () => {
    const allowed: Record<string, string>[] = [{ apikey: TEST_SERVICE_KEY }, { authorization: `Bearer ${TEST_SERVICE_KEY}` }, { authorization: `Bearer ${METRICS_TOKEN}` }]
    for (const headers of allowed) {
      const s = await scrape(headers)
      expect(s.family('process_cpu_user_seconds_total').type).toBe('COUNTER') // prom-client's default series
      expect(s.family('nodejs_heap_size_used_bytes').type).toBe('GAUGE')
    }
    const res = await served.fetch('http://floe.test/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(res.status).toBe(200)
    expect(parsePrometheusTextFormat(await res.text()).some((f) => f.name === 'floe_http_requests_total')).toBe(true)
    expect((await served.fetch('http://floe.test/metrics')).status).toBe(401)
  })

  it('counts REST requests by route template, method and status, through both front ends', async () => {
    const before = await scrape()
    const at = { route: '/rest/v1/:name', method: 'GET' }
    // 3 over the Node front end (direct route), 2 through Hono (app.request), different tables and ids.
    for (const id of [3, 7, 11]) expect((await served.fetch(`http://floe.test/rest/v1/items?id=eq.${id}`, { headers: floe.service })).status).toBe(200)
    for (const id of [13, 17]) expect((await app.request(`/rest/v1/items?id=eq.${id}&select=name`, { headers: floe.service })).status).toBe(200)
    expect((await served.fetch('http://floe.test/rest/v1/no_such_table_5f2a', { headers: floe.service })).status).toBe(404)
    expect((await app.request('/rest/v1/rpc/no_such_fn_9c1e', { method: 'POST', headers: json(floe.service), body: '{}' })).status).toBe(404)
    const after = await scrape()

    expect(after.counter('floe_http_requests_total', { ...at, status: '200' }) - before.counter('floe_http_requests_total', { ...at, status: '200' })).toBe(5)
    expect(after.counter('floe_http_requests_total', { ...at, status: '404' }) - before.counter('floe_http_requests_total', { ...at, status: '404' })).toBe(1)
    expect(after.counter('floe_http_requests_total', { route: '/rest/v1/rpc/:name', method: 'POST', status: '404' })).toBe(1)
    const h0 = before.histogram('floe_http_request_duration_seconds', { ...at, status: '200' })
    const h1 = after.histogram('floe_http_request_duration_seconds', { ...at, status: '200' })!
    expect(h1.count - (h0?.count ?? 0)).toBe(5)
    expect(h1.buckets['+Inf']).toBe(h1.count)
    expect(h1.sum).toBeGreaterThan(h0?.sum ?? 0)
    // Cumulative buckets never decrease.
    const bounds = Object.entries(h1.buckets).sort(([a], [b]) => Number(a) - Number(b))
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]![1]).toBeGreaterThanOrEqual(bounds[i - 1]![1])
    // A scrape is itself counted, under its template.
    expect(after.counter('floe_http_requests_total', { route: '/metrics', method: 'GET', status: '200' })).toBeGreaterThan(0)
  })

  it('labels a request refused before its route with the route that would have answered, and an unmatched one `/*`', async () => {
    const before = await scrape()
    expect((await app.request('/storage/v1/bucket', {})).status).toBe(401) // refused in admission
    expect((await served.fetch('http://floe.test/rest/v1/items?id=eq.1')).status).toBe(401) // the same, on the Node front end
    expect((await app.request('/admin/v1/tables', { headers: floe.anon })).status).toBe(401) // refused by the module's guard
    expect((await app.request('/no/such/path/4821', { headers: floe.service })).status).toBe(404)
    const after = await scrape()
    const delta = (labels: Record<string, string>) => after.counter('floe_http_requests_total', labels) - before.counter('floe_http_requests_total', labels)
    expect(delta({ route: '/storage/v1/bucket', method: 'GET', status: '401' })).toBe(1)
    expect(delta({ route: '/rest/v1/:name', method: 'GET', status: '401' })).toBe(1)
    expect(delta({ route: '/admin/v1/*', method: 'GET', status: '401' })).toBe(1)
    expect(delta({ route: '/*', method: 'GET', status: '404' })).toBe(1)
  })

  it('counts object bytes uploaded and downloaded (a range counts its length)', async () => {
    const before = await scrape()
    expect((await app.request('/storage/v1/bucket', { method: 'POST', headers: json(floe.service), body: JSON.stringify({ name: BUCKET }) })).status).toBe(201)
    const body = Buffer.alloc(12_345, 7)
    const up = await served.fetch(`http://floe.test/storage/v1/object/${BUCKET}/${OBJECT}`, { method: 'POST', headers: { ...floe.service, 'content-type': 'application/octet-stream' }, body })
    expect(up.status).toBe(200)
    const down = await served.fetch(`http://floe.test/storage/v1/object/${BUCKET}/${OBJECT}`, { headers: floe.service })
    expect((await down.arrayBuffer()).byteLength).toBe(12_345)
    const part = await app.request(`/storage/v1/object/${BUCKET}/${OBJECT}`, { headers: { ...floe.service, range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect((await part.arrayBuffer()).byteLength).toBe(100)
    const head = await app.request(`/storage/v1/object/${BUCKET}/${OBJECT}`, { method: 'HEAD', headers: floe.service })
    expect(head.status).toBe(200) // no bytes sent: not counted
    const after = await scrape()

    expect(after.counter('floe_storage_uploaded_bytes_total') - before.counter('floe_storage_uploaded_bytes_total')).toBe(12_345)
    expect(after.counter('floe_storage_downloaded_bytes_total') - before.counter('floe_storage_downloaded_bytes_total')).toBe(12_345 + 100)
    expect(after.counter('floe_http_requests_total', { route: '/storage/v1/object/:bucket/:name{.+}', method: 'POST', status: '200' })).toBe(1)
    expect(after.counter('floe_http_requests_total', { route: '/storage/v1/object/:bucket/:name{.+}', method: 'GET', status: '206' })).toBe(1)
  })

  it.skipIf(!redisUrl)('counts job outcomes by queue and reports queue depth by state', { timeout: 30_000 }, async () => {
    const declare = async (name: string, body: Record<string, unknown>) =>
      expect((await app.request(`/jobs/v1/admin/queues/${name}`, { method: 'PUT', headers: json(floe.service), body: JSON.stringify(body) })).status).toBe(201)
    await declare('echo', {})
    await declare('fail', { attempts: 2, backoff_type: 'fixed', backoff_ms: 50 })
    const enqueue = async (queue: string) => {
      const res = await served.fetch(`http://floe.test/jobs/v1/${queue}`, { method: 'POST', headers: json(floe.service), body: JSON.stringify({ payload: { value: 1 } }) })
      expect(res.status).toBe(202)
      return ((await res.json()) as { id: string }).id
    }
    const finished = (queue: string, id: string, state: string) =>
      waitFor(async () => ((await (await app.request(`/jobs/v1/${queue}/${id}`, { headers: floe.service })).json()) as { state: string }).state === state, 15_000, `${queue} ${state}`)
    const echoId = await enqueue('echo')
    const failId = await enqueue('fail')
    await finished('echo', echoId, 'completed')
    await finished('fail', failId, 'failed')
    // BullMQ emits the worker's events just after it moves the job, and depths are cached for
    // QUEUE_DEPTH_TTL_MS (an earlier scrape saw no queue): scrape until both show.
    const s = await waitForScrape(
      scrape,
      (x) => x.counter('floe_jobs_failed_total', { queue: 'fail' }) === 1 && x.has('floe_queue_jobs', { queue: 'fail', state: 'failed' }),
      QUEUE_DEPTH_TTL_MS + 5_000,
    )

    expect(s.counter('floe_jobs_completed_total', { queue: 'echo' })).toBe(1)
    expect(s.counter('floe_jobs_retried_total', { queue: 'fail' })).toBe(1)
    expect(s.counter('floe_jobs_failed_total', { queue: 'fail' })).toBe(1)
    expect(s.family('floe_jobs_completed_total').metrics.some((m) => m.labels?.queue === 'fail')).toBe(false)
    // Depth: every declared queue, the four states; the failed job is counted in `failed`.
    for (const state of ['waiting', 'active', 'delayed']) expect(s.gauge('floe_queue_jobs', { queue: 'echo', state })).toBe(0)
    expect(s.gauge('floe_queue_jobs', { queue: 'fail', state: 'failed' })).toBe(1)
    expect(s.gauge('floe_queue_jobs', { queue: 'echo', state: 'failed' })).toBe(0)
    // The enqueue route is a direct route: counted under its template.
    expect(s.counter('floe_http_requests_total', { route: '/jobs/v1/:queue', method: 'POST', status: '202' })).toBe(2)
  })

  it('reports realtime sockets and channels, and counts every frame sent', async () => {
    const before = await scrape()
    const client = await RawClient.open(await served.origin(), { apikey: TEST_ANON_KEY })
    try {
      client.send('realtime:metrics-room-51d2', 'phx_join', { config: { broadcast: { self: true } } })
      await until('the join reply', () => client.frames.some((f) => f.event === 'phx_reply'))
      client.send('realtime:metrics-room-51d2', 'broadcast', { type: 'broadcast', event: 'ping', payload: { n: 1 } }, { joinRef: '1' })
      await until('the broadcast echo', () => client.frames.some((f) => f.event === 'broadcast'))
      const during = await waitForScrape(scrape, (x) => x.counter('floe_realtime_messages_sent_total') - before.counter('floe_realtime_messages_sent_total') === client.frames.length)
      expect(during.gauge('floe_realtime_connections')).toBe(1)
      expect(during.gauge('floe_realtime_channels')).toBe(1)
      expect(client.frames.length).toBeGreaterThanOrEqual(2)
      expect(during.counter('floe_http_requests_total', { route: '/realtime/v1/websocket', method: 'GET', status: '101' })).toBe(1)
    } finally {
      client.ws.close()
      await client.closed
    }
    const after = await waitForScrape(scrape, (x) => x.gauge('floe_realtime_connections') === 0)
    expect(after.gauge('floe_realtime_channels')).toBe(0)
  })

  it('reads the pg pool and counts schema cache reloads', async () => {
    const before = await scrape()
    const total = before.gauge('floe_db_pool_connections')
    expect(total).toBeGreaterThan(0)
    expect(before.gauge('floe_db_pool_connections_idle') + before.gauge('floe_db_pool_connections_in_use')).toBe(total)
    expect(before.gauge('floe_db_pool_waiting_clients')).toBe(0)
    expect(before.gauge('floe_schema_cache_last_load_duration_seconds')).toBeGreaterThan(0)

    const reloaded = floe.schemaCache.whenReloaded()
    const c = new pg.Client({ connectionString: t.url })
    await c.connect()
    await c.query('create table public.more_items (id int primary key)')
    await c.end()
    await reloaded
    const after = await scrape()
    expect(after.counter('floe_schema_cache_reloads_total', { outcome: 'ok' })).toBeGreaterThan(before.counter('floe_schema_cache_reloads_total', { outcome: 'ok' }))
    expect(after.counter('floe_schema_cache_reloads_total', { outcome: 'failed' })).toBe(0)
  })

  it('never carries a raw path, table, object, topic or id in a label value', async () => {
    const s = await scrape()
    const values = s.families.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})))
    expect(values.length).toBeGreaterThan(0)
    const leaks = values.filter((v) => /items|no_such|metrics-bucket|q3-4b1e9f|metrics-room|reports\/|\?|=eq\.|\/\d+(\/|$)/.test(v))
    expect(leaks).toEqual([])
    // Every route label is a template the code declares: path segments are literals or parameters.
    const routes = new Set(s.family('floe_http_requests_total').metrics.map((m) => m.labels!.route!))
    for (const route of routes) expect(route).toMatch(/^(\/([a-z0-9_.-]+|:[a-z_]+(\{[^}]+\})?|\*))*\/?$|^\(no upgrade route\)$/i)
    expect([...routes].sort()).toEqual(expect.arrayContaining(['/metrics', '/rest/v1/:name', '/rest/v1/rpc/:name', '/storage/v1/object/:bucket/:name{.+}']))
  })
})

/** Scrapes until `ok` holds (a counter bumped by an event that lands just after the HTTP answer). */
async function waitForScrape(scrape: () => Promise<Scrape>, ok: (s: Scrape) => boolean, timeoutMs = 5_000): Promise<Scrape> {
  let last: Scrape | undefined
  await waitFor(async () => ok((last = await scrape())), timeoutMs, 'the scrape to show it')
  return last!
}

/**
 * One parsed exposition, read by family name and exact label set. parse-prometheus-text-format
 * folds every series of a labelled histogram into one (its flatten step keeps only `le`), so
 * histograms are also read from a second parse without their `# TYPE` line, where `_bucket`,
 * `_sum` and `_count` come out as untyped families with their labels intact.
 */
class Scrape {
  readonly families: PrometheusFamily[]
  private readonly untyped: PrometheusFamily[]

  constructor(text: string) {
    this.families = parsePrometheusTextFormat(text)
    this.untyped = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ''))
  }

  family(name: string): PrometheusFamily {
    const f = this.families.find((x) => x.name === name)
    if (!f) throw new Error(`no family ${name}`)
    return f
  }

  private sample(name: string, labels: Record<string, string>) {
    const f = this.families.find((x) => x.name === name)
    return f?.metrics.find((m) => sameLabels(m.labels ?? {}, labels))
  }

  has(name: string, labels: Record<string, string>): boolean {
    return this.sample(name, labels) !== undefined
  }

  /** A counter's value, 0 when the series does not exist yet. */
  counter(name: string, labels: Record<string, string> = {}): number {
    return Number(this.sample(name, labels)?.value ?? 0)
  }

  gauge(name: string, labels: Record<string, string> = {}): number {
    const s = this.sample(name, labels)
    if (!s) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`)
    return Number(s.value)
  }

  histogram(name: string, labels: Record<string, string>): { count: number; sum: number; buckets: Record<string, number> } | undefined {
    expect(this.family(name).type).toBe('HISTOGRAM')
    // Interleaved, the three names start a new family at each series: gather them all.
    const series = (suffix: string) => this.untyped.filter((f) => f.name === `${name}${suffix}`).flatMap((f) => f.metrics)
    const count = series('_count').find((m) => sameLabels(m.labels ?? {}, labels))
    if (!count) return undefined
    const sum = series('_sum').find((m) => sameLabels(m.labels ?? {}, labels))
    const buckets: Record<string, number> = {}
    for (const m of series('_bucket')) {
      const { le, ...rest } = m.labels ?? {}
      if (le !== undefined && sameLabels(rest, labels)) buckets[le] = Number(m.value)
    }
    return { count: Number(count.value), sum: Number(sum?.value), buckets }
  }
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k])
}
