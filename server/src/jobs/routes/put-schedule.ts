import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { Schedule, ScheduleBody } from '../schedules.js'
import { ScheduleParams, type Register } from './common.js'

export const putScheduleRoute = createRoute({
  method: 'put',
  path: '/admin/queues/{queue}/schedules/{id}',
  operationId: 'jobs.putSchedule',
  tags: ['Jobs admin'],
  summary: 'Create or replace a repeatable job (cron with a time zone, or every_ms)',
  request: { params: ScheduleParams, body: { required: true, content: { 'application/json': { schema: ScheduleBody } } } },
  responses: { 200: { description: 'Scheduled', content: { 'application/json': { schema: Schedule } } }, ...errorResponses(400, 401, 403, 404, 503) },
})

export const registerPutSchedule: Register = (router, jobs) => {
  router.openapi(putScheduleRoute, async (c) => {
    const { queue, id } = c.req.valid('param')
    return c.json(await jobs.schedules.put(queue, id, c.req.valid('json')), 200)
  })
}
