/** Jobs API answers (server/src/jobs/types.ts, schedules.ts, webhooks.ts). */
export interface QueueDeclaration {
  name: string
  handler: string
  concurrency: number
  attempts: number
  backoff_type: 'fixed' | 'exponential'
  backoff_ms: number
  timeout_ms: number
  rate_limit: { max: number; duration_ms: number } | null
  enqueue_roles: string[]
  updated_at: string
  /** From the listing: whether the queue is paused (null while Redis is unreachable). */
  paused?: boolean | null
}

export interface JobView {
  id: string
  queue: string
  state: string
  payload: unknown
  progress: unknown
  result: unknown
  failed_reason: string | null
  attempts_made: number
  created_at: string
  processed_at: string | null
  finished_at: string | null
}

export interface Schedule {
  id: string
  queue: string
  cron: string | null
  tz: string | null
  every_ms: number | null
  next_run_at: string | null
}

export interface Webhook {
  id: string
  name: string
  schema: string
  table: string
  events: string[]
  url: string | null
  queue: string | null
  secret: string
  created_at: string
}

export type Counts = Record<string, number>

/** The states the list filter offers, in bull-board's order. */
export const STATES = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children'] as const
export type JobState = (typeof STATES)[number]

/** One delivery attempt of a database webhook (GET /admin/webhooks/{name}/deliveries). */
export interface WebhookDelivery {
  id: string
  job_id: string
  attempt: number
  /** The HTTP status answered; null when none came (timeout, refused). */
  status: number | null
  ok: boolean
  error: string | null
  duration_ms: number
  at: string
}
