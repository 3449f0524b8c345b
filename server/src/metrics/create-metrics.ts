/**
 * One registry per Metrics object (never prom-client's global one), so several apps in one
 * process (tests, a replica per worker thread) each answer their own /metrics. Series are either
 * counted where the event happens (the meters handed to the modules: plain additions, no label
 * hashing on a hot path) or read when /metrics is scraped (pool, schema cache, queues, sockets).
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import { RequestMetrics } from './request-metrics.js'

/** One finished HTTP request: `route` is the matched template, never the path sent. */
export type RequestObserver = (route: string, method: string, status: number, seconds: number) => void

/** Object bytes through the storage service. */
export interface StorageMeter {
  /** An object stored (its size, once the upload completed). */
  uploaded(bytes: number): void
  /** An object (or a range of it) handed to a reader. */
  downloaded(bytes: number): void
}

export type JobOutcome = 'completed' | 'failed' | 'retried'

/** Job outcomes as the workers of this process see them. */
export interface JobsMeter {
  finished(queue: string, outcome: JobOutcome): void
}

/** Frames written to realtime sockets. */
export interface RealtimeMeter {
  sent(): void
}

export interface QueueDepth {
  queue: string
  counts: Readonly<Record<string, number>>
}

/** What is read at scrape time; attached by whoever builds it (index.ts, app.ts). */
export interface MetricSources {
  /** pg's Pool: its counts are plain properties. */
  pool?: { readonly totalCount: number; readonly idleCount: number; readonly waitingCount: number } | undefined
  schemaCache?: { stats(): { reloads: number; failedReloads: number; lastLoadMs: number } } | undefined
  /** Jobs per queue and state; asked at most once per QUEUE_DEPTH_TTL_MS whatever the scrape rate. */
  queueDepths?: (() => Promise<readonly QueueDepth[]>) | undefined
  realtime?: { stats(): { sockets: number; channels: number } } | undefined
}

export interface Metrics {
  readonly contentType: string
  /** The registry as Prometheus' text format. */
  render(): Promise<string>
  readonly observeRequest: RequestObserver
  readonly storage: StorageMeter
  readonly jobs: JobsMeter
  readonly realtime: RealtimeMeter
  /** Sets (or replaces) scrape-time sources; a source never given reports nothing or 0. */
  watch(sources: MetricSources): void
}

export interface MetricsOptions {
  /** prom-client's default process and Node.js series (CPU, memory, event loop, GC); default true. */
  processMetrics?: boolean
  /** How long queue depths are reused between scrapes; default QUEUE_DEPTH_TTL_MS. */
  queueDepthTtlMs?: number
}

export const QUEUE_DEPTH_TTL_MS = 5_000
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry()
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry })
  const sources: MetricSources = {}
  const registers = [registry]
  const requests = new RequestMetrics(registry)

  // Counted as plain numbers, handed to prom-client when scraped.
  const totals = { uploaded: 0, downloaded: 0, sent: 0 }
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset()
        this.inc(read())
      },
    })
  total('floe_storage_uploaded_bytes_total', 'Bytes of objects stored (uploads that completed).', () => totals.uploaded)
  total('floe_storage_downloaded_bytes_total', 'Bytes of objects (or ranges) handed to readers.', () => totals.downloaded)
  total('floe_realtime_messages_sent_total', 'Frames written to realtime WebSockets.', () => totals.sent)

  const gauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read() ?? 0)
      },
    })
  gauge('floe_db_pool_connections', 'Connections open in the server\'s pg pool.', () => sources.pool?.totalCount)
  gauge('floe_db_pool_connections_idle', 'Pool connections idle.', () => sources.pool && sources.pool.idleCount)
  gauge('floe_db_pool_connections_in_use', 'Pool connections checked out.', () => sources.pool && sources.pool.totalCount - sources.pool.idleCount)
  gauge('floe_db_pool_waiting_clients', 'Callers waiting for a pool connection.', () => sources.pool?.waitingCount)
  gauge('floe_realtime_connections', 'Realtime WebSockets open.', () => sources.realtime?.stats().sockets)
  gauge('floe_realtime_channels', 'Channels joined on the open realtime WebSockets.', () => sources.realtime?.stats().channels)

  new Counter({
    name: 'floe_schema_cache_reloads_total',
    help: 'Schema cache reloads since start (DDL or NOTIFY), by outcome.',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset()
      const s = sources.schemaCache?.stats()
      if (!s) return
      this.inc({ outcome: 'ok' }, s.reloads)
      this.inc({ outcome: 'failed' }, s.failedReloads)
    },
  })
  gauge('floe_schema_cache_last_load_duration_seconds', 'Duration of the last successful schema cache load.', () => sources.schemaCache && sources.schemaCache.stats().lastLoadMs / 1000)

  const readDepths = cachedDepths(() => sources.queueDepths, options.queueDepthTtlMs ?? QUEUE_DEPTH_TTL_MS)
  new Gauge({
    name: 'floe_queue_jobs',
    help: `Jobs in each declared queue by state (${QUEUE_STATES.join(', ')}), read from Redis at most every few seconds.`,
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      const depths = await readDepths()
      this.reset()
      for (const { queue, counts } of depths) for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0)
    },
  })

  const jobCounter = (outcome: JobOutcome, help: string) => new Counter({ name: `floe_jobs_${outcome}_total`, help, labelNames: ['queue'], registers })
  const jobOutcomes: Record<JobOutcome, Counter<'queue'>> = {
    completed: jobCounter('completed', 'Jobs completed by this process\'s workers, by queue.'),
    failed: jobCounter('failed', 'Jobs failed for good (attempts exhausted or unrecoverable) in this process\'s workers, by queue.'),
    retried: jobCounter('retried', 'Job attempts that failed and will be retried, by queue.'),
  }

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    observeRequest: (route, method, status, seconds) => requests.observe(route, method, status, seconds),
    storage: {
      uploaded: (bytes) => void (totals.uploaded += bytes),
      downloaded: (bytes) => void (totals.downloaded += bytes),
    },
    jobs: { finished: (queue, outcome) => jobOutcomes[outcome].inc({ queue }) },
    realtime: { sent: () => void totals.sent++ },
    watch(next) {
      for (const key of Object.keys(next) as (keyof MetricSources)[]) {
        if (next[key] !== undefined) (sources as Record<string, unknown>)[key] = next[key]
      }
    },
  }
}

/** A slow Redis must not hold a scrape: past this the queues are left out of it. */
const QUEUE_DEPTH_TIMEOUT_MS = 2_000

/**
 * The last answer reused for `ttlMs` (a scrape, however frequent, costs Redis one getJobCounts
 * per queue per period); one read in flight at a time; a failure or a timeout reports no queues.
 */
function cachedDepths(source: () => MetricSources['queueDepths'], ttlMs: number): () => Promise<readonly QueueDepth[]> {
  let last: { at: number; value: Promise<readonly QueueDepth[]> } | undefined
  return () => {
    const read = source()
    if (!read) return Promise.resolve([])
    const now = performance.now()
    if (last && now - last.at < ttlMs) return last.value
    last = { at: now, value: withTimeout(read(), QUEUE_DEPTH_TIMEOUT_MS).catch(() => []) }
    return last.value
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
