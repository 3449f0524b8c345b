/**
 * Metrics: a Prometheus registry per app (prom-client, default process series included), the
 * meters the other modules are handed to count what happens (HTTP requests by route template,
 * storage bytes, job outcomes, realtime frames), the scrape-time readings of what they hold
 * (pg pool, schema cache, queue depths, sockets and channels), and GET /metrics. It reaches no
 * module but errors/ and http/: each module is handed its meter, and the boot code attaches the
 * sources.
 */
export {
  createMetrics,
  QUEUE_DEPTH_TTL_MS,
  QUEUE_STATES,
  type JobOutcome,
  type JobsMeter,
  type Metrics,
  type MetricSources,
  type MetricsOptions,
  type QueueDepth,
  type RealtimeMeter,
  type RequestObserver,
  type StorageMeter,
} from './create-metrics.js'
export { metricsRouter, type MetricsRouterDeps } from './router.js'
