/**
 * Assembles the jobs module for a process: the Redis side (Bull), the cached queue declarations,
 * the service, and — when this process runs workers — the outbox relay and the workers.
 * `close()` stops the relay, lets active jobs finish, then closes connections.
 */
import type { Mailer } from '../auth/index.js'
import type { Config } from '../config.js'
import type { Database } from '../db/index.js'
import type { CheckResult } from '../health/index.js'
import type { Logger } from '../log.js'
import type { JobsMeter } from '../metrics/index.js'
import type { StorageService } from '../storage/index.js'
import { Bull } from './bull.js'
import { Declarations } from './declarations.js'
import type { Handler } from './define-handler.js'
import { bindServiceRole } from './handler-storage.js'
import { emailHandler } from './handlers/email.js'
import { loadFunctions } from './handlers/load-functions.js'
import { webhookHandler } from './handlers/webhook.js'
import { createQueuedMailer } from './queued-mailer.js'
import { Relay } from './relay.js'
import { createSchedules, type Schedules } from './schedules.js'
import { createJobsService, type JobsService } from './service.js'
import { createWebhooks, type Webhooks } from './webhooks.js'
import { createJobWatcher, type JobWatcher } from './watch.js'
import { WorkerPool } from './worker.js'

export interface JobsDeps {
  config: Readonly<Config>
  /** Its `listener` carries the relay's and the declarations' notifications. */
  database: Database
  log: Logger
  /** The auth mailer the built-in `email` handler sends through. */
  mailer?: Mailer | undefined
  /** The service behind /storage/v1: handlers use it as the service role (`ctx.storage`). */
  storage: StorageService
  /** Run the relay and workers here (FLOE_WORKERS, or `floe worker`). */
  workers: boolean
  /** Counts the outcomes of the jobs this process's workers run (metrics). */
  meter?: JobsMeter | undefined
}

export interface Jobs {
  service: JobsService
  schedules: Schedules
  webhooks: Webhooks
  bull: Bull
  relay: Relay | undefined
  /** Jobs' events for realtime (a channel joined with `floe.job`); absent without Redis. */
  watcher: JobWatcher | undefined
  /** The auth mailer behind the `email` queue (given `deps.mailer`); hand it to the auth service. */
  mailer: Mailer | undefined
  check(): Promise<CheckResult>
  close(): Promise<void>
}

export async function createJobs(deps: JobsDeps): Promise<Jobs> {
  const { config, database, log } = deps
  const bull = new Bull({ redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, log })
  // The first attempt only (ioredis' connect timeout bounds it): an unreachable Redis is not fatal.
  await bull.connected
  const declarations = new Declarations(database, log)
  await declarations.start()
  // What a declaration may name: the built-ins the workers set, and the modules of the functions
  // folder as they are now (read again at each declaration, so a module added since boot counts).
  const builtins = ['webhook', ...(deps.mailer ? ['email'] : [])]
  const knownHandlers = async () => [...new Set([...(await loadFunctions(config.jobs.functionsDir, log)).keys(), ...builtins])].sort()
  const service = createJobsService({ bull, declarations, pool: database.pool, maxPayloadBytes: config.jobs.maxPayloadBytes, maxBodyBytes: config.bodyLimit, retentionS: config.jobs.retentionS, knownHandlers })

  let relay: Relay | undefined
  let workers: WorkerPool | undefined
  if (deps.workers && bull.producer) {
    relay = new Relay({
      database,
      bull,
      declarations,
      log,
      batchSize: config.jobs.relayBatch,
      sweepMs: config.jobs.relaySweepMs,
      retentionS: config.jobs.retentionS,
    })
    await relay.start()
    // Built-ins are set last, so a user module cannot shadow one by name.
    const handlers = new Map<string, Handler>(await loadFunctions(config.jobs.functionsDir, log))
    handlers.set('webhook', webhookHandler(config.jobs.webhookTimeoutMs) as Handler)
    if (deps.mailer) handlers.set('email', emailHandler(deps.mailer) as Handler)
    workers = new WorkerPool({ bull, declarations, handlers, db: database.db, pool: database.pool, storage: bindServiceRole(deps.storage), log, meter: deps.meter })
    workers.start()
  }

  const watcher = bull.producer ? createJobWatcher(bull, service, log) : undefined
  return {
    service,
    schedules: createSchedules(bull, service, config.jobs.retentionS),
    webhooks: createWebhooks(database, config.dbSchemas),
    bull,
    relay,
    watcher,
    mailer: deps.mailer ? createQueuedMailer(deps.mailer, bull, database.pool) : undefined,
    async check() {
      const st = bull.status()
      if (st.status !== 'ok') return st
      const started = performance.now()
      await bull.producer!.ping()
      return { status: 'ok', latency_ms: Math.round((performance.now() - started) * 100) / 100 }
    },
    async close() {
      await relay?.close()
      await watcher?.close()
      await workers?.close()
      await declarations.close()
      await bull.close()
    },
  }
}
