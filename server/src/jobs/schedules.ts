/**
 * Repeatable jobs: BullMQ job schedulers (cron pattern with a time zone, or a fixed interval),
 * one per (queue, id). BullMQ stores them in Redis, so every worker process follows them.
 */
import { z } from '@hono/zod-openapi'
import { ApiError } from '../errors/index.js'
import { jobOptions, type Bull } from './bull.js'
import type { JobsService } from './service.js'
import type { JobData } from './types.js'

export const ScheduleBody = z
  .object({
    cron: z.string().min(1).max(120).optional().openapi({ example: '0 9 * * 1-5' }),
    tz: z.string().min(1).max(64).optional().openapi({ example: 'Europe/Paris' }),
    every_ms: z.number().int().min(1000).optional(),
    payload: z.unknown().optional(),
  })
  .strict()
  .refine((b) => (b.cron === undefined) !== (b.every_ms === undefined), 'give exactly one of cron and every_ms')
  .refine((b) => b.tz === undefined || b.cron !== undefined, 'tz applies to cron only')
  .openapi('ScheduleBody')
export type ScheduleInput = z.output<typeof ScheduleBody>

export const Schedule = z
  .object({ id: z.string(), queue: z.string(), cron: z.string().nullable(), tz: z.string().nullable(), every_ms: z.number().nullable(), next_run_at: z.string().nullable() })
  .openapi('Schedule')
export type Schedule = z.output<typeof Schedule>

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

export function createSchedules(bull: Bull, service: JobsService, retentionS: number) {
  return {
    async list(queue: string): Promise<Schedule[]> {
      service.requireAvailable()
      service.getDeclaration(queue)
      const list = await bull.queue(queue).getJobSchedulers(0, -1, true)
      return list.map((s) => ({
        id: s.key,
        queue,
        cron: s.pattern ?? null,
        tz: s.tz ?? null,
        every_ms: s.every ? Number(s.every) : null,
        next_run_at: s.next ? new Date(s.next).toISOString() : null,
      }))
    },

    async put(queue: string, id: string, input: ScheduleInput): Promise<Schedule> {
      service.requireAvailable()
      const decl = service.getDeclaration(queue)
      if (input.tz && !isValidTimeZone(input.tz)) throw new ApiError('JOBS_SCHEDULE_INVALID', { details: `Unknown time zone ${input.tz}`, hint: 'Use an IANA name such as Europe/Paris' })
      const data: JobData = { payload: input.payload ?? null, by: { role: 'service_role', sub: null } }
      const { removeOnComplete, removeOnFail, attempts, backoff } = jobOptions(decl, retentionS)
      try {
        await bull.queue(queue).upsertJobScheduler(
          id,
          input.cron ? { pattern: input.cron, ...(input.tz ? { tz: input.tz } : {}) } : { every: input.every_ms! },
          { name: queue, data, opts: { removeOnComplete, removeOnFail, attempts, backoff } },
        )
      } catch (err) {
        // cron-parser's message names the bad field; it is about the caller's input, not a 500.
        throw new ApiError('JOBS_SCHEDULE_INVALID', { details: err instanceof Error ? err.message : String(err), hint: 'Cron has 5 or 6 fields, e.g. "*/5 * * * *"' })
      }
      const found = (await this.list(queue)).find((s) => s.id === id)
      return found ?? { id, queue, cron: input.cron ?? null, tz: input.tz ?? null, every_ms: input.every_ms ?? null, next_run_at: null }
    },

    async remove(queue: string, id: string): Promise<void> {
      service.requireAvailable()
      service.getDeclaration(queue)
      if (!(await bull.queue(queue).removeJobScheduler(id))) throw new ApiError('JOBS_SCHEDULE_NOT_FOUND', { details: `No schedule ${id} on "${queue}"` })
    },
  }
}
export type Schedules = ReturnType<typeof createSchedules>
