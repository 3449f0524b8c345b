import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { Ok, QueueParams, type Register } from './common.js'

export const deleteQueueRoute = createRoute({
  method: 'delete',
  path: '/admin/queues/{queue}',
  operationId: 'jobs.deleteQueue',
  tags: ['Jobs admin'],
  summary: 'Remove a declaration and its jobs (waiting, running, finished and schedules); its worker stops',
  request: { params: QueueParams },
  responses: { 200: { description: 'Removed', content: { 'application/json': { schema: Ok } } }, ...errorResponses(400, 401, 403, 404, 409) },
})

export const registerDeleteQueue: Register = (router, jobs) => {
  router.openapi(deleteQueueRoute, async (c) => {
    await jobs.service.deleteQueue(c.req.valid('param').queue)
    return c.json({ ok: true as const }, 200)
  })
}
