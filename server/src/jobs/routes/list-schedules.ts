import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { Schedule } from '../schedules.js'
import { QueueParams, type Register } from './common.js'

export const listSchedulesRoute = createRoute({
  method: 'get',
  path: '/admin/queues/{queue}/schedules',
  operationId: 'jobs.listSchedules',
  summary: "List a queue's repeatable (cron) jobs",
  tags: ['Jobs admin'],
  request: { params: QueueParams },
  responses: { 200: { description: 'Repeatable jobs', content: { 'application/json': { schema: z.array(Schedule) } } }, ...errorResponses(400, 401, 403, 404, 503) },
})

export const registerListSchedules: Register = (router, jobs) => {
  router.openapi(listSchedulesRoute, async (c) => c.json(await jobs.schedules.list(c.req.valid('param').queue), 200))
}
