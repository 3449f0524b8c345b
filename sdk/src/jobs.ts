/**
 * The jobs client (`/jobs/v1`): enqueue a job, read it, wait for it. Floe-only, so written here
 * rather than composed. Typed per queue when the Database type has a `Jobs` section
 * (`Jobs: { <queue>: { Payload: …; Result?: … } }`, as `floe gen types` prints it for queues whose
 * handler declares a zod payload); untyped queues take and give `unknown`.
 *
 * A job is named by `{ queue, id }` (what `enqueue` returns): Floe's job route is
 * `GET /jobs/v1/<queue>/<id>`. `wait` listens to the job's realtime feed (job-feed.ts) when the
 * client has realtime, and polls that route otherwise (or if the feed cannot join).
 */
import type { RealtimeClient } from '@supabase/realtime-js'
import { errorFromResponse, errorFromThrown, FloeError } from './errors.js'
import type { Fetch } from './fetch-with-auth.js'
import { watchJob } from './job-feed.js'

/** One queue's types. `Progress` is what the handler passes to `progress()`. */
export interface QueueTypes {
  Payload: unknown
  Result?: unknown
  Progress?: unknown
}
export type JobsSchema = Record<string, QueueTypes>

/** The `Jobs` section of a Database type, or any queue with unknown payloads. */
export type JobsOf<Database> = Database extends { Jobs: infer J extends JobsSchema } ? J : Record<string, { Payload: unknown; Result: unknown; Progress: unknown }>

type ResultOf<Q extends QueueTypes> = Q extends { Result: infer R } ? R : unknown
type ProgressOf<Q extends QueueTypes> = Q extends { Progress: infer P } ? P : number | Record<string, unknown>

export type JobState = 'waiting' | 'active' | 'completed' | 'failed' | 'delayed' | 'prioritized' | 'waiting-children' | (string & {})

/** What names a job: returned by `enqueue`, taken by `get` and `wait`. */
export interface JobRef<Queue extends string = string> {
  id: string
  queue: Queue
}

/** A job as `GET /jobs/v1/<queue>/<id>` shows it (snake_case, as on the wire). */
export interface Job<Queue extends string = string, Q extends QueueTypes = QueueTypes> extends JobRef<Queue> {
  state: JobState
  payload: Q['Payload']
  /** Null until the handler reports progress. */
  progress: ProgressOf<Q> | null
  /** Set once `state` is `completed`. */
  result: ResultOf<Q> | null
  failed_reason: string | null
  attempts_made: number
  created_at: string
  processed_at: string | null
  finished_at: string | null
}

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number
  /** 1 is the highest. */
  priority?: number
  /** The same key (per caller) never makes two jobs: a second enqueue answers the first job. */
  idempotencyKey?: string
}

export interface WaitOptions<P> {
  /** Called with each new progress value the handler reports (steps reported faster than they travel may merge). */
  onProgress?: (progress: P) => void
  /** Stops waiting (the job goes on): the result is an `ABORTED` error. */
  signal?: AbortSignal
  /** `realtime` (default when the client has realtime): the job's feed, falling back to polling; `polling`: never a socket. */
  transport?: 'realtime' | 'polling'
  /** Polling interval; default 500 ms. */
  intervalMs?: number
}

/** supabase-js's habit: a result is data or an error, never a throw for an HTTP failure. */
export type FloeResult<T> = { data: T; error: null } | { data: null; error: FloeError }

export class JobsClient<Jobs extends JobsSchema = JobsOf<unknown>> {
  constructor(
    private readonly url: string,
    private readonly fetch: Fetch,
    /** The client's realtime, or undefined where it cannot be made (Node 20 without `ws`). */
    private readonly realtime: () => RealtimeClient | undefined = () => undefined,
  ) {}

  /**
   * Enqueues a job; the queue must allow the caller's role (`enqueue_roles`).
   * @example
   * const { data, error } = await floe.jobs.enqueue('thumbnails', { path: 'a.png' }, { idempotencyKey: 'a.png' })
   */
  async enqueue<Queue extends string & keyof Jobs>(queue: Queue, payload: Jobs[Queue]['Payload'], options: EnqueueOptions = {}): Promise<FloeResult<JobRef<Queue>>> {
    const body = {
      payload,
      ...(options.delayMs === undefined ? {} : { delay_ms: options.delayMs }),
      ...(options.priority === undefined ? {} : { priority: options.priority }),
      ...(options.idempotencyKey === undefined ? {} : { idempotency_key: options.idempotencyKey }),
    }
    const res = await this.request<{ id: string; queue: string }>(`/${encodeURIComponent(queue)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    return res.error ? res : { data: { id: res.data.id, queue }, error: null }
  }

  /**
   * Reads a job: state, progress, result or failure. A user sees only the jobs they enqueued.
   * @example
   * const { data: job } = await floe.jobs.get(ref)          // or floe.jobs.get('thumbnails', id)
   */
  get<Queue extends string & keyof Jobs>(job: JobRef<Queue>, init?: { signal?: AbortSignal }): Promise<FloeResult<Job<Queue, Jobs[Queue]>>>
  get<Queue extends string & keyof Jobs>(queue: Queue, id: string, init?: { signal?: AbortSignal }): Promise<FloeResult<Job<Queue, Jobs[Queue]>>>
  get(a: JobRef | string, b?: string | { signal?: AbortSignal }, c?: { signal?: AbortSignal }): Promise<FloeResult<Job>> {
    const ref = typeof a === 'string' ? { queue: a, id: String(b) } : a
    const init = typeof a === 'string' ? c : typeof b === 'object' ? b : undefined
    return this.request<Job>(`/${encodeURIComponent(ref.queue)}/${encodeURIComponent(ref.id)}`, { method: 'GET', ...(init?.signal ? { signal: init.signal } : {}) })
  }

  /**
   * Waits until the job has completed (data: the job, with `result`) or failed (error code
   * `JOB_FAILED`, `details`: the failure), reporting progress on the way.
   * @example
   * const { data, error } = await floe.jobs.wait(ref, { onProgress: (p) => console.log(p) })
   */
  async wait<Queue extends string & keyof Jobs>(job: JobRef<Queue>, options: WaitOptions<ProgressOf<Jobs[Queue]>> = {}): Promise<FloeResult<Job<Queue, Jobs[Queue]>>> {
    type Result = FloeResult<Job<Queue, Jobs[Queue]>>
    const progress = progressReporter(options.onProgress)
    const realtime = options.transport === 'polling' ? undefined : this.realtime()
    if (realtime) {
      let result: Result | undefined
      const outcome = await watchJob(realtime, job, {
        signal: options.signal,
        onJob: (view) => {
          const seen = view as Job<Queue, Jobs[Queue]>
          progress(seen.progress)
          if (seen.state === 'completed') result = { data: seen, error: null }
          else if (seen.state === 'failed') result = { data: null, error: jobFailed(seen) }
          return result !== undefined
        },
      })
      if (outcome === 'aborted') return { data: null, error: aborted() }
      if (result) return result
    }
    return this.poll(job, options, progress)
  }

  private async poll<Queue extends string & keyof Jobs>(
    job: JobRef<Queue>,
    options: WaitOptions<ProgressOf<Jobs[Queue]>>,
    progress: (value: unknown) => void,
  ): Promise<FloeResult<Job<Queue, Jobs[Queue]>>> {
    const intervalMs = options.intervalMs ?? 500
    for (;;) {
      if (options.signal?.aborted) return { data: null, error: aborted() }
      const res = await this.get(job, options.signal ? { signal: options.signal } : undefined)
      if (res.error) return res
      progress(res.data.progress)
      if (res.data.state === 'completed') return res
      if (res.data.state === 'failed') return { data: null, error: jobFailed(res.data) }
      if (!(await sleep(intervalMs, options.signal))) return { data: null, error: aborted() }
    }
  }

  private async request<T>(path: string, init: RequestInit): Promise<FloeResult<T>> {
    try {
      const res = await this.fetch(this.url + path, init)
      if (!res.ok) return { data: null, error: await errorFromResponse(res) }
      return { data: (await res.json()) as T, error: null }
    } catch (err) {
      return { data: null, error: errorFromThrown(err) }
    }
  }
}

/** Calls `onProgress` with each progress value unlike the last one reported (null is never reported). */
function progressReporter<P>(onProgress: ((progress: P) => void) | undefined): (value: unknown) => void {
  let last = 'null'
  return (value) => {
    const seen = JSON.stringify(value ?? null)
    if (seen !== last && value !== null && value !== undefined) onProgress?.(value as P)
    last = seen
  }
}

function jobFailed(job: Job): FloeError {
  return new FloeError({ code: 'JOB_FAILED', message: `Job ${job.id} on ${job.queue} failed`, details: job.failed_reason, hint: null, status: 200 })
}

function aborted(): FloeError {
  return new FloeError({ code: 'ABORTED', message: 'Stopped waiting for the job', details: null, hint: null, status: 0 })
}

/** Resolves true after `ms`, false at once if the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
