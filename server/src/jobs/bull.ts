/**
 * The module's Redis side: one connection for producers (fail fast when Redis is away, so an
 * enqueue answers 503 instead of hanging), BullMQ Queue objects per queue name, and whether jobs
 * are available at all. The "jobs are off" line is logged once per outage, with how to fix it.
 */
import { Queue, type JobsOptions } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import type { Logger } from '../log.js'
import type { QueueDeclaration } from './types.js'

export interface BullDeps {
  redisUrl: string | undefined
  redisPrefix: string
  log: Logger
}

export type JobsStatus = { status: 'ok' } | { status: 'disabled' | 'error'; message: string }

export const JOBS_OFF_UNSET = 'Jobs are off: REDIS_URL is not set. Set REDIS_URL=redis://127.0.0.1:6379 (any reachable Redis) and restart to turn them on.'
export const JOBS_OFF_UNREACHABLE = 'Jobs are off until the Redis at REDIS_URL is reachable; enqueued work waits in the outbox meanwhile. Start Redis or fix REDIS_URL.'

export class Bull {
  readonly prefix: string
  readonly producer: Redis | undefined
  private readonly queues = new Map<string, Queue>()
  private reported = false
  /** Settles after the first connection attempt (either way), so boot can wait for it. */
  readonly connected: Promise<void> = Promise.resolve()

  constructor(private readonly deps: BullDeps) {
    // BullMQ keys live under the instance's prefix so several Floe instances share one Redis.
    this.prefix = `${deps.redisPrefix}bull`
    if (!deps.redisUrl) {
      deps.log.warn(JOBS_OFF_UNSET)
      return
    }
    // Auto-pipelining: the adds of concurrent requests made in one tick leave in one write (one
    // syscall, one Redis read) instead of one each; the commands and their order are unchanged.
    this.producer = new Redis(deps.redisUrl, { ...this.redisOptions(), enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, enableAutoPipelining: true })
    this.producer.on('error', (err) => this.reportDown(err))
    this.producer.on('ready', () => {
      if (this.reported) deps.log.info('Redis reachable again: jobs are on')
      this.reported = false
      // A Queue created while the connection was dying keeps a failed init forever: start
      // afresh after every (re)connect. Closing a Queue leaves the shared connection open.
      const stale = [...this.queues.values()]
      this.queues.clear()
      for (const q of stale) void q.close().catch(() => undefined)
    })
    this.connected = this.producer.connect().catch(() => undefined)
  }

  redisOptions(): RedisOptions {
    return { connectTimeout: 3_000, retryStrategy: (times: number) => Math.min(times * 200, 2_000) }
  }

  /** A new connection for a BullMQ Worker: blocking commands need maxRetriesPerRequest null. */
  workerConnection(): Redis {
    // Auto-pipelined like the producer: a worker at concurrency N finishes jobs (one script call
    // each, which also fetches the next job) in bursts; they leave in one write. The blocking
    // wait for new jobs (BullMQ's own duplicate of this connection) stays a plain command.
    const r = new Redis(this.deps.redisUrl!, { ...this.redisOptions(), maxRetriesPerRequest: null, enableAutoPipelining: true, autoPipeliningIgnoredCommands: ['bzpopmin'] })
    r.on('error', (err) => this.reportDown(err))
    return r
  }

  private reportDown(err: Error) {
    if (this.reported) return
    this.reported = true
    this.deps.log.warn({ err: { message: err.message } }, JOBS_OFF_UNREACHABLE)
  }

  status(): JobsStatus {
    if (!this.producer) return { status: 'disabled', message: JOBS_OFF_UNSET }
    if (this.producer.status !== 'ready') return { status: 'error', message: JOBS_OFF_UNREACHABLE }
    return { status: 'ok' }
  }

  isAvailable(): boolean {
    return this.status().status === 'ok'
  }

  queue(name: string): Queue {
    let q = this.queues.get(name)
    if (!q) {
      q = new Queue(name, { connection: this.producer!, prefix: this.prefix })
      q.on('error', () => undefined) // reported once through the connection's own error handler
      this.queues.set(name, q)
    }
    return q
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)))
    this.queues.clear()
    if (this.producer) await this.producer.quit().catch(() => this.producer!.disconnect())
  }
}

/** Job options from a queue declaration: retries, backoff and how long finished jobs are kept. */
export function jobOptions(decl: QueueDeclaration, retentionS: number): JobsOptions {
  return {
    attempts: decl.attempts,
    backoff: { type: decl.backoff_type, delay: decl.backoff_ms },
    // Completed jobs are kept for the retention window: that is also how long an idempotency
    // key (the job id) dedupes. Failed jobs stay longer: they are the dead-letter view.
    removeOnComplete: { age: retentionS },
    removeOnFail: { age: retentionS * 7 },
  }
}
