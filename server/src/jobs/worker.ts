/**
 * The workers: one BullMQ Worker per declared queue, following the declarations (a new queue
 * gets a worker, a changed one is rebuilt, a deleted one is closed) without a restart. Closing a
 * worker waits for its active jobs to finish, which is what graceful shutdown relies on.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Kysely } from 'kysely'
import type pg from 'pg'
import type { DB } from '../db/index.js'
import type { Logger } from '../log.js'
import type { JobsMeter } from '../metrics/index.js'
import type { Bull } from './bull.js'
import type { Declarations } from './declarations.js'
import type { Handler, HandlerContext } from './define-handler.js'
import type { HandlerStorage } from './handler-storage.js'
import type { JobData, QueueDeclaration } from './types.js'

export interface WorkerPoolDeps {
  bull: Bull
  declarations: Declarations
  handlers: Map<string, Handler>
  db: Kysely<DB>
  pool: pg.Pool
  storage: HandlerStorage
  log: Logger
  meter?: JobsMeter | undefined
}

export class WorkerPool {
  private readonly workers = new Map<string, { worker: Worker; version: string; stop: () => Promise<void> }>()
  private reconciling: Promise<void> = Promise.resolve()
  private closed = false

  constructor(private readonly deps: WorkerPoolDeps) {}

  start(): void {
    this.deps.declarations.onChange(() => this.schedule())
    this.schedule()
  }

  private schedule(): void {
    this.reconciling = this.reconciling.then(() => this.reconcile()).catch((err: unknown) => this.deps.log.error({ err }, 'jobs: updating workers failed'))
  }

  private async reconcile(): Promise<void> {
    if (this.closed) return
    const wanted = new Map(this.deps.declarations.all().map((d) => [d.name, d]))
    for (const [name, w] of this.workers) {
      const d = wanted.get(name)
      if (!d || version(d) !== w.version) {
        this.workers.delete(name)
        await w.stop()
      }
    }
    for (const [name, d] of wanted) {
      if (!this.workers.has(name)) this.workers.set(name, { ...this.create(d), version: version(d) })
    }
  }

  private create(decl: QueueDeclaration): { worker: Worker; stop: () => Promise<void> } {
    // Its own connection: BullMQ does not close a connection it was handed, so stop() does.
    const connection = this.deps.bull.workerConnection()
    const worker = new Worker<JobData>(decl.name, (job) => this.process(decl.name, job), {
      connection,
      prefix: this.deps.bull.prefix,
      concurrency: decl.concurrency,
      // A worker that died (SIGKILL, OOM) holds its active jobs until their lock expires; BullMQ
      // then hands them to another worker. 10 s locks (renewed every 5 s while a job runs)
      // checked every 5 s bound that to ~15 s instead of BullMQ's ~60 s default.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      ...(decl.rate_limit ? { limiter: { max: decl.rate_limit.max, duration: decl.rate_limit.duration_ms } } : {}),
    })
    worker.on('error', () => undefined) // connection errors are reported once by Bull
    const meter = this.deps.meter
    if (meter) worker.on('completed', () => meter.finished(decl.name, 'completed'))
    worker.on('failed', (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) this.deps.log.warn({ queue: decl.name, job: job.id, err: { message: err.message } }, 'job failed')
      // BullMQ sets finishedOn only when it moved the job to failed for good (attempts spent, or
      // an UnrecoverableError); a failed attempt it will retry has none.
      if (job) meter?.finished(decl.name, typeof job.finishedOn === 'number' ? 'failed' : 'retried')
    })
    const stop = async () => {
      await worker.close()
      await connection.quit().catch(() => connection.disconnect())
    }
    return { worker, stop }
  }

  private async process(queue: string, job: Job<JobData>): Promise<unknown> {
    // Read at run time, so a handler or timeout change applies to jobs already queued.
    const decl = this.deps.declarations.get(queue)
    if (!decl) throw new UnrecoverableError(`queue "${queue}" is no longer declared`)
    const handler = this.deps.handlers.get(decl.handler)
    if (!handler) throw new Error(`no handler named "${decl.handler}" (FLOE_FUNCTIONS_DIR or a built-in)`)
    let payload: unknown = job.data.payload
    if (handler.payload) {
      const parsed = handler.payload.safeParse(payload)
      if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`)
      payload = parsed.data
    }
    const { ctx, abort } = this.context(queue, job)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort()
        reject(new Error(`timed out after ${decl.timeout_ms} ms`))
      }, decl.timeout_ms)
    })
    try {
      const run = Promise.resolve(handler.run(payload, ctx))
      return (await Promise.race([run, timeout])) ?? null
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * A handler's context. Its abort signal and logger are made on first use: most handlers read
   * neither, and making both cost more than a no-op job's own work in this process.
   */
  private context(queue: string, job: Job<JobData>): { ctx: HandlerContext; abort: () => void } {
    let controller: AbortController | undefined
    let aborted = false
    let log: Logger | undefined
    const parentLog = this.deps.log
    const ctx: HandlerContext = {
      job: { id: job.id!, queue, attempt: job.attemptsMade + 1 },
      db: this.deps.db,
      pool: this.deps.pool,
      storage: this.deps.storage,
      get log() {
        return (log ??= parentLog.child({ queue, job: job.id }))
      },
      progress: (value) => job.updateProgress(value),
      get signal() {
        if (!controller) {
          controller = new AbortController()
          if (aborted) controller.abort()
        }
        return controller.signal
      },
    }
    const abort = () => {
      aborted = true
      controller?.abort()
    }
    return { ctx, abort }
  }

  /** Stops taking jobs and waits for the active ones to finish. */
  async close(): Promise<void> {
    this.closed = true
    await this.reconciling
    await Promise.all([...this.workers.values()].map((w) => w.stop()))
    this.workers.clear()
  }
}

function version(d: QueueDeclaration): string {
  return JSON.stringify([d.concurrency, d.rate_limit])
}
