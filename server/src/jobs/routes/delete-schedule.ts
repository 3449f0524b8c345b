import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { Ok, ScheduleParams, type Register } from './common.js'

export const deleteScheduleRoute = createRoute({
  method: 'delete',
  path: '/admin/queues/{queue}/schedules/{id}',
  operationId: 'jobs.deleteSchedule',
  summary: 'Remove a repeatable (cron) job',
  tags: ['Jobs admin'],
  request: { params: ScheduleParams },
  responses: { 200: { description: 'Removed', content: { 'application/json': { schema: Ok } } }, ...errorResponses(400, 401, 403, 404, 503) },
})

export const registerDeleteSchedule: Register = (router, jobs) => {
  router.openapi(deleteScheduleRoute, async (c) => {
    const { queue, id } = c.req.valid('param')
    await jobs.schedules.remove(queue, id)
    return c.json({ ok: true as const }, 200)
  })
}
