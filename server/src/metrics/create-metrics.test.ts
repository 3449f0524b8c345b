import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { describe, expect, it } from 'vitest'
import { createMetrics, QUEUE_DEPTH_TTL_MS } from './index.js'
import { REQUEST_BUCKETS } from './request-metrics.js'

const lines = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix))

describe('createMetrics', () => {
  it('renders request cells as a counter and a cumulative histogram per route, method and status', async () => {
    const m = createMetrics({ processMetrics: false })
    for (const s of [0.0004, 0.0004, 0.003, 0.2, 30]) m.observeRequest('/rest/v1/:name', 'GET', 200, s)
    m.observeRequest('/rest/v1/:name', 'GET', 404, 0.001)
    const text = await m.render()
    expect(lines(text, 'floe_http_requests_total')).toEqual([
      'floe_http_requests_total{route="/rest/v1/:name",method="GET",status="200"} 5',
      'floe_http_requests_total{route="/rest/v1/:name",method="GET",status="404"} 1',
    ])
    const series = '{route="/rest/v1/:name",method="GET",status="200"'
    const buckets = lines(text, `floe_http_request_duration_seconds_bucket${series}`)
    expect(buckets).toHaveLength(REQUEST_BUCKETS.length + 1)
    expect(buckets[0]).toBe(`floe_http_request_duration_seconds_bucket${series},le="0.0005"} 2`)
    expect(buckets.find((l) => l.includes('le="0.005"'))).toMatch(/ 3$/)
    expect(buckets.find((l) => l.includes('le="0.25"'))).toMatch(/ 4$/)
    expect(buckets.find((l) => l.includes('le="10"'))).toMatch(/ 4$/) // 30 s is above every bound
    expect(buckets.at(-1)).toBe(`floe_http_request_duration_seconds_bucket${series},le="+Inf"} 5`)
    expect(lines(text, `floe_http_request_duration_seconds_sum${series}`)[0]).toMatch(/ 30\.2038$/)
    expect(lines(text, `floe_http_request_duration_seconds_count${series}`)[0]).toMatch(/ 5$/)
    expect(parsePrometheusTextFormat(text).find((f) => f.name === 'floe_http_request_duration_seconds')?.type).toBe('HISTOGRAM')
  })

  it('keeps registries apart: two instances never see each other', async () => {
    const [a, b] = [createMetrics({ processMetrics: false }), createMetrics({ processMetrics: false })]
    a.observeRequest('/a', 'GET', 200, 0.001)
    a.storage.uploaded(10)
    expect(lines(await b.render(), 'floe_http_requests_total')).toEqual([])
    expect(lines(await b.render(), 'floe_storage_uploaded_bytes_total')).toEqual(['floe_storage_uploaded_bytes_total 0'])
    expect(lines(await a.render(), 'floe_storage_uploaded_bytes_total')).toEqual(['floe_storage_uploaded_bytes_total 10'])
  })

  it('asks for queue depths at most once per TTL and reports none when the read fails', async () => {
    const m = createMetrics({ processMetrics: false })
    let calls = 0
    m.watch({ queueDepths: async () => (++calls, [{ queue: 'mail', counts: { waiting: 3, active: 1, delayed: 0, failed: 2, completed: 9 } }]) })
    for (let i = 0; i < 5; i++) await m.render()
    expect(calls).toBe(1)
    expect(lines(await m.render(), 'floe_queue_jobs{')).toEqual([
      'floe_queue_jobs{queue="mail",state="waiting"} 3',
      'floe_queue_jobs{queue="mail",state="active"} 1',
      'floe_queue_jobs{queue="mail",state="delayed"} 0',
      'floe_queue_jobs{queue="mail",state="failed"} 2',
    ])
    const failing = createMetrics({ processMetrics: false, queueDepthTtlMs: 0 })
    failing.watch({ queueDepths: () => Promise.reject(new Error('Redis away')) })
    expect(lines(await failing.render(), 'floe_queue_jobs{')).toEqual([])
    expect(QUEUE_DEPTH_TTL_MS).toBe(5_000)
  })

  it('reads the pool, the schema cache and realtime when scraped, and counts job outcomes by queue', async () => {
    const m = createMetrics({ processMetrics: false })
    m.watch({
      pool: { totalCount: 5, idleCount: 3, waitingCount: 1 },
      schemaCache: { stats: () => ({ reloads: 4, failedReloads: 1, lastLoadMs: 250 }) },
      realtime: { stats: () => ({ sockets: 2, channels: 7 }) },
    })
    m.jobs.finished('mail', 'completed')
    m.jobs.finished('mail', 'retried')
    m.realtime.sent()
    const text = await m.render()
    for (const line of [
      'floe_db_pool_connections 5',
      'floe_db_pool_connections_idle 3',
      'floe_db_pool_connections_in_use 2',
      'floe_db_pool_waiting_clients 1',
      'floe_schema_cache_reloads_total{outcome="ok"} 4',
      'floe_schema_cache_reloads_total{outcome="failed"} 1',
      'floe_schema_cache_last_load_duration_seconds 0.25',
      'floe_realtime_connections 2',
      'floe_realtime_channels 7',
      'floe_realtime_messages_sent_total 1',
      'floe_jobs_completed_total{queue="mail"} 1',
      'floe_jobs_retried_total{queue="mail"} 1',
    ]) expect(text.split('\n')).toContain(line)
  })
})
