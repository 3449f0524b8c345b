import { z } from '@hono/zod-openapi'

/** BullMQ forbids colons in queue names; `admin` is the admin routes' first segment. */
export const QueueName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected 1-63 of a-z 0-9 _ - (starting with a letter or digit)')
  .refine((n) => n !== 'admin', 'admin is reserved')
  .openapi({ example: 'thumbnails' })

export const QueueDeclarationBody = z
  .object({
    handler: QueueName.optional().openapi({ description: 'webhook, email or a module of FLOE_FUNCTIONS_DIR; default: the queue name' }),
    concurrency: z.number().int().min(1).max(1000).default(10),
    attempts: z.number().int().min(1).max(100).default(3),
    backoff_type: z.enum(['fixed', 'exponential']).default('exponential'),
    backoff_ms: z.number().int().min(0).max(86_400_000).default(1000),
    timeout_ms: z.number().int().min(100).max(86_400_000).default(60_000),
    rate_limit: z.object({ max: z.number().int().positive(), duration_ms: z.number().int().positive() }).strict().nullable().default(null),
    enqueue_roles: z.array(z.enum(['anon', 'authenticated', 'service_role'])).max(3).default(['service_role']),
  })
  .strict()
  .openapi('QueueDeclarationBody')
export type QueueDeclarationInput = z.output<typeof QueueDeclarationBody>

export const QueueDeclaration = z
  .object({
    name: z.string(),
    handler: z.string(),
    concurrency: z.number(),
    attempts: z.number(),
    backoff_type: z.enum(['fixed', 'exponential']),
    backoff_ms: z.number(),
    timeout_ms: z.number(),
    rate_limit: z.object({ max: z.number(), duration_ms: z.number() }).nullable(),
    enqueue_roles: z.array(z.string()),
    updated_at: z.string(),
  })
  .openapi('QueueDeclaration')
export type QueueDeclaration = z.output<typeof QueueDeclaration>

/** A declared queue as the admin listing shows it: with whether it is paused (null: Redis unreachable). */
export const QueueListing = QueueDeclaration.extend({ paused: z.boolean().nullable() }).openapi('QueueListing')
export type QueueListing = z.output<typeof QueueListing>

export const JOB_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children'] as const

export const JobView = z
  .object({
    id: z.string(),
    queue: z.string(),
    state: z.string(),
    payload: z.unknown(),
    progress: z.unknown(),
    result: z.unknown(),
    failed_reason: z.string().nullable(),
    attempts_made: z.number(),
    created_at: z.string(),
    processed_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .openapi('Job')
export type JobView = z.output<typeof JobView>

/** What a job carries in Redis: the payload and who asked (for the status route's check). */
export interface JobData {
  payload: unknown
  by: { role: string; sub: string | null }
}

export interface EnqueueOptions {
  delay_ms?: number | undefined
  priority?: number | undefined
  idempotency_key?: string | undefined
}
