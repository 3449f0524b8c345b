import { z } from '@hono/zod-openapi'
import type { Router } from '../../http/index.js'
import type { Jobs } from '../runtime.js'
import { QueueName } from '../types.js'

export type JobsRouter = Router
export type Register = (router: JobsRouter, jobs: Jobs) => void

// Generated ids: h-<uuid>, o-<outbox id>, k-<hash>; BullMQ's cron runs: repeat:<schedule>:<ms>.
export const JobId = z.string().regex(/^[A-Za-z0-9_:.-]{1,200}$/, 'expected a job id').openapi({ example: 'h-5b1e…' })
export const QueueParams = z.object({ queue: QueueName })
export const JobParams = z.object({ queue: QueueName, id: JobId })
export const ScheduleParams = z.object({ queue: QueueName, id: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'expected a schedule id') })
export const Ok = z.object({ ok: z.literal(true) }).openapi('JobsOk')
