/**
 * The HTTP series, counted on the hot path without prom-client's per-call label hashing (a
 * `counter.inc(labels)` + `histogram.observe(labels, v)` pair measured ~4.5 µs against ~0.15 µs
 * here; a primary-key read costs ~80 µs of server CPU in bench/): each (route, method, status)
 * has one cell found through three Map lookups on strings the router already holds, and the
 * cells are turned into prom-client's values only when /metrics is scraped.
 *
 * `route` is always a template a module declared (`/rest/v1/:name`), never the path sent, so the
 * number of series is bounded by the routes in the code times methods times statuses.
 */
import { Counter, Histogram, type MetricType, type Registry } from 'prom-client'

type Label = 'route' | 'method' | 'status'

/** Latency buckets (seconds): the data API answers in about a millisecond, uploads take longer. */
export const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

interface Cell {
  readonly labels: Readonly<Record<Label, string>>
  count: number
  sum: number
  /** Observations per bucket, not cumulative (the last slot: above the largest bound). */
  readonly buckets: Float64Array
}

export class RequestMetrics {
  private readonly cells = new Map<string, Map<string, Map<number, Cell>>>()

  constructor(registry: Registry) {
    const all = () => this.all()
    register(registry, new CellCounter(all), new CellHistogram(all))
  }

  /** One finished request. Synchronous and allocation-free once its cell exists. */
  observe(route: string, method: string, status: number, seconds: number): void {
    const cell = this.cell(route, method, status)
    cell.count++
    cell.sum += seconds
    let i = 0
    while (i < REQUEST_BUCKETS.length && seconds > REQUEST_BUCKETS[i]!) i++
    cell.buckets[i]!++
  }

  private cell(route: string, method: string, status: number): Cell {
    let byMethod = this.cells.get(route)
    if (byMethod === undefined) this.cells.set(route, (byMethod = new Map()))
    let byStatus = byMethod.get(method)
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()))
    let cell = byStatus.get(status)
    if (cell === undefined) {
      cell = { labels: Object.freeze({ route, method, status: String(status) }), count: 0, sum: 0, buckets: new Float64Array(REQUEST_BUCKETS.length + 1) }
      byStatus.set(status, cell)
    }
    return cell
  }

  private *all(): Iterable<Cell> {
    for (const byMethod of this.cells.values()) for (const byStatus of byMethod.values()) yield* byStatus.values()
  }
}

function register(registry: Registry, ...metrics: (Counter<Label> | Histogram<Label | 'le'>)[]): void {
  for (const m of metrics) registry.registerMetric(m)
}

const NO_COLLECT = () => undefined
// prom-client's typings declare `type` a numeric enum; its registry writes the string it is given
// (its own metrics hold 'counter', 'histogram') into the `# TYPE` line.
const COUNTER_TYPE = 'counter' as unknown as MetricType
const HISTOGRAM_TYPE = 'histogram' as unknown as MetricType
const LABELS: Label[] = ['route', 'method', 'status']
const COUNTER = { name: 'floe_http_requests_total', help: 'HTTP requests answered, by route template, method and status.' }
const HISTOGRAM = {
  name: 'floe_http_request_duration_seconds',
  help: 'Time from the arrival of a request to its response being written, by route template, method and status.',
}

/** prom-client's Counter with its values read from the cells (registered by hand: `registers: []`). */
class CellCounter extends Counter<Label> {
  constructor(private readonly source: () => Iterable<Cell>) {
    super({ ...COUNTER, labelNames: LABELS, registers: [] })
  }

  override async get() {
    const values = []
    for (const c of this.source()) values.push({ labels: c.labels, value: c.count })
    return { ...COUNTER, type: COUNTER_TYPE, aggregator: 'sum' as const, collect: NO_COLLECT, values }
  }
}

class CellHistogram extends Histogram<Label | 'le'> {
  constructor(private readonly source: () => Iterable<Cell>) {
    super({ ...HISTOGRAM, labelNames: LABELS, buckets: [...REQUEST_BUCKETS], registers: [] })
  }

  override async get() {
    const { name } = HISTOGRAM
    const values: { metricName: string; labels: Partial<Record<Label | 'le', string | number>>; value: number }[] = []
    for (const c of this.source()) {
      let cumulative = 0
      for (let i = 0; i < REQUEST_BUCKETS.length; i++) {
        cumulative += c.buckets[i]!
        values.push({ metricName: `${name}_bucket`, labels: { ...c.labels, le: REQUEST_BUCKETS[i]! }, value: cumulative })
      }
      values.push({ metricName: `${name}_bucket`, labels: { ...c.labels, le: '+Inf' }, value: c.count })
      values.push({ metricName: `${name}_sum`, labels: c.labels, value: c.sum })
      values.push({ metricName: `${name}_count`, labels: c.labels, value: c.count })
    }
    return { ...HISTOGRAM, type: HISTOGRAM_TYPE, aggregator: 'sum' as const, collect: NO_COLLECT, values }
  }

  /** What the registry renders a histogram from (prom-client's own reads its hash map there). */
  getForPromString() {
    return this.get()
  }
}
