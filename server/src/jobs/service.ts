/**
 * The jobs service behind /jobs/v1: enqueue and job status for callers, and the admin operations
 * (service role only). Queue declarations live in Postgres; jobs live in BullMQ.
 */
import { randomUUID } from 'node:crypto'
import type { Job } from 'bullmq'
import type pg from 'pg'
import type { RequestRole } from '../db/index.js'
import type { Identity } from '../http/index.js'
import { ApiError } from '../errors/index.js'
import { jobOptions, type Bull } from './bull.js'
import type { Declarations } from './declarations.js'
import { idempotentJobId } from './job-id.js'
import { deleteQueue, upsertQueue } from './queries.js'
import type { EnqueueOptions, JobData, JobView, QueueDeclaration, QueueDeclarationInput, QueueListing } from './types.js'

export interface JobsServiceDeps {
  bull: Bull
  declarations: Declarations
  pool: pg.Pool
  maxPayloadBytes: number
  /** BODY_LIMIT: the enqueue route reads its own body (the payload has its own limit). */
  maxBodyBytes: number
  retentionS: number
  /** The handler names a declaration may use (built-ins and FLOE_FUNCTIONS_DIR's modules). */
  knownHandlers(): Promise<string[]>
}

export type JobsService = ReturnType<typeof createJobsService>

export function createJobsService(deps: JobsServiceDeps) {
  const { bull, declarations } = deps

  function requireAvailable(): void {
    const st = bull.status()
    if (st.status !== 'ok') throw new ApiError('JOBS_UNAVAILABLE', { message: st.message, hint: 'Set REDIS_URL to a reachable Redis' })
  }

  function requireService(identity: Identity): void {
    if (identity.role !== 'service_role') throw new ApiError('FORBIDDEN', { details: 'Job administration needs the service key' })
  }

  function getDeclaration(name: string): QueueDeclaration {
    const decl = declarations.get(name)
    if (!decl) throw new ApiError('JOBS_QUEUE_NOT_FOUND', { details: `No queue named "${name}"`, hint: 'Declare it with PUT /jobs/v1/admin/queues/{queue}' })
    return decl
  }

  /** A job as callers see it; an `email` job's body is left out (see `withoutEmailBody`). */
  function view(job: Job<JobData>, state: string): JobView {
    const v = toView(job, state)
    return declarations.get(job.queueName)?.handler === 'email' ? { ...v, payload: withoutEmailBody(v.payload) } : v
  }

  async function findJob(queue: string, id: string): Promise<Job<JobData>> {
    const job = (await bull.queue(queue).getJob(id)) as Job<JobData> | undefined
    if (!job) throw new ApiError('JOBS_JOB_NOT_FOUND', { details: `No job ${id} in queue "${queue}"` })
    return job
  }

  return {
    requireAvailable,
    requireService,
    maxBodyBytes: deps.maxBodyBytes,

    async enqueue(identity: Identity, queue: string, payload: unknown, options: EnqueueOptions): Promise<{ id: string; queue: string }> {
      requireAvailable()
      const decl = getDeclaration(queue)
      if (identity.role !== 'service_role' && !decl.enqueue_roles.includes(identity.role)) {
        throw new ApiError('JOBS_ENQUEUE_FORBIDDEN', { details: `Role ${identity.role} may not enqueue to "${queue}"` })
      }
      const size = Buffer.byteLength(JSON.stringify(payload ?? null))
      if (size > deps.maxPayloadBytes) {
        throw new ApiError('JOBS_PAYLOAD_TOO_LARGE', { details: `${size} bytes; the limit is ${deps.maxPayloadBytes}`, hint: 'Store large data elsewhere and pass a reference' })
      }
      const sub = typeof identity.claims.sub === 'string' ? identity.claims.sub : null
      const data: JobData = { payload: payload ?? null, by: { role: identity.role, sub } }
      const jobId = options.idempotency_key ? idempotentJobId(data.by, options.idempotency_key) : `h-${randomUUID()}`
      await bull.queue(queue).add(queue, data, {
        ...jobOptions(decl, deps.retentionS),
        jobId,
        ...(options.delay_ms ? { delay: options.delay_ms } : {}),
        ...(options.priority ? { priority: options.priority } : {}),
      })
      return { id: jobId, queue }
    },

    /** A user sees only jobs they enqueued (by JWT sub); others get the same 404 as a missing job. */
    async getJob(identity: RequestRole, queue: string, id: string): Promise<JobView> {
      requireAvailable()
      getDeclaration(queue)
      // State first, then the job: a job seen "completed" then carries its result (read the
      // other way round, it can finish in between and show completed without one).
      const state = await bull.queue(queue).getJobState(id)
      const job = await findJob(queue, id)
      const sub = identity.claims.sub
      const isOwner = typeof sub === 'string' && sub !== '' && job.data.by?.sub === sub
      if (identity.role !== 'service_role' && !isOwner) throw new ApiError('JOBS_JOB_NOT_FOUND', { details: `No job ${id} in queue "${queue}"` })
      return view(job, state)
    },

    async listJobs(queue: string, state: string, offset: number, limit: number): Promise<JobView[]> {
      requireAvailable()
      const jobs = (await bull.queue(queue).getJobs([state as never], offset, offset + limit - 1)) as Job<JobData>[]
      return jobs.filter(Boolean).map((j) => view(j, state))
    },

    /** Replays a failed job (the dead-letter view's action): it runs again with fresh attempts. */
    async retryJob(queue: string, id: string): Promise<JobView> {
      requireAvailable()
      const job = await findJob(queue, id)
      const state = await job.getState()
      if (state !== 'failed') throw new ApiError('JOBS_JOB_NOT_RETRYABLE', { details: `The job is ${state}` })
      await job.retry('failed', { resetAttemptsMade: true })
      return view(job, 'waiting')
    },

    async removeJob(queue: string, id: string): Promise<void> {
      requireAvailable()
      const job = await findJob(queue, id)
      await job.remove()
    },

    async setPaused(queue: string, paused: boolean): Promise<{ queue: string; paused: boolean }> {
      requireAvailable()
      getDeclaration(queue)
      if (paused) await bull.queue(queue).pause()
      else await bull.queue(queue).resume()
      return { queue, paused: await bull.queue(queue).isPaused() }
    },

    async counts(queue: string): Promise<Record<string, number>> {
      requireAvailable()
      getDeclaration(queue)
      return bull.queue(queue).getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children')
    },

    /** Failed jobs past their attempts, across every declared queue, newest first. */
    async deadLetter(limit: number): Promise<JobView[]> {
      requireAvailable()
      const all = await Promise.all(declarations.all().map(async (d) => (await bull.queue(d.name).getFailed(0, limit - 1)) as Job<JobData>[]))
      return all
        .flat()
        .filter(Boolean)
        .sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))
        .slice(0, limit)
        .map((j) => view(j, 'failed'))
    },

    /** The declarations (from Postgres, so listed without Redis), each with its paused state from Redis. */
    async listQueues(): Promise<QueueListing[]> {
      const all = declarations.all().sort((a, b) => a.name.localeCompare(b.name))
      const available = bull.isAvailable()
      return Promise.all(all.map(async (d) => ({ ...d, paused: available ? await bull.queue(d.name).isPaused().catch(() => null) : null })))
    },

    async putQueue(name: string, input: QueueDeclarationInput) {
      // Checked here, not when a job runs: a queue whose handler is missing would take jobs that
      // each fail `attempts` times before anyone learns why.
      const handler = input.handler ?? name
      const known = await deps.knownHandlers()
      if (!known.includes(handler)) {
        throw new ApiError('INVALID_INPUT', {
          message: `No job handler named "${handler}"${input.handler === undefined ? ' (a queue runs the handler of its own name unless it names one)' : ''}`,
          details: `Known handlers: ${known.join(', ')}`,
          hint: 'Name one of them as "handler", or add <name>.ts to FLOE_FUNCTIONS_DIR (a default export from defineHandler)',
        })
      }
      const result = await upsertQueue(deps.pool, name, input)
      await declarations.reload() // this process sees it at once; the others through NOTIFY
      return result
    },

    /** Removes the declaration and the queue's jobs (waiting, active, finished, schedules) from Redis. */
    async deleteQueue(name: string): Promise<void> {
      // With Redis configured but away, refuse rather than leave jobs no declaration owns; with
      // jobs off altogether there is nothing in Redis to remove.
      if (bull.producer) requireAvailable()
      if (!(await deleteQueue(deps.pool, name))) throw new ApiError('JOBS_QUEUE_NOT_FOUND', { details: `No queue named "${name}"` })
      await declarations.reload() // this process's worker stops; the others' through NOTIFY
      // force: active jobs too; a worker elsewhere still finishing one finds it gone and drops it.
      if (bull.producer) await bull.queue(name).obliterate({ force: true })
    },

    getDeclaration,
  }
}

/**
 * An email job's payload without its text and HTML bodies: they carry one-time links (sign-in,
 * password reset), which nothing but the mailer may see, the admin API included. The job itself
 * keeps them, so a retry still sends the same email.
 */
function withoutEmailBody(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload
  const { text, html, link, code, ...rest } = payload as Record<string, unknown>
  return text === undefined && html === undefined && link === undefined && code === undefined ? payload : { ...rest, body: 'withheld: it may hold a one-time link' }
}

function iso(ms: number | undefined): string | null {
  return ms ? new Date(ms).toISOString() : null
}

export function toView(job: Job<JobData>, state: string): JobView {
  return {
    id: job.id!,
    queue: job.queueName,
    state,
    payload: job.data?.payload ?? null,
    progress: job.progress ?? 0,
    result: job.returnvalue ?? null,
    failed_reason: job.failedReason || null,
    attempts_made: job.attemptsMade,
    created_at: new Date(job.timestamp).toISOString(),
    processed_at: iso(job.processedOn),
    finished_at: iso(job.finishedOn),
  }
}
