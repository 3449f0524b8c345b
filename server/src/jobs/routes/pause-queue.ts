import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { QueueParams, type Register } from './common.js'

export const pauseQueueRoute = createRoute({
  method: 'post',
  path: '/admin/queues/{queue}/pause',
  operationId: 'jobs.pauseQueue',
  summary: 'Pause a queue: its workers take no new jobs',
  tags: ['Jobs admin'],
  request: { params: QueueParams },
  responses: {
    200: { description: 'Paused', content: { 'application/json': { schema: z.object({ queue: z.string(), paused: z.boolean() }) } } },
    ...errorResponses(400, 401, 403, 404, 503),
  },
})

export const registerPauseQueue: Register = (router, jobs) => {
  router.openapi(pauseQueueRoute, async (c) => c.json(await jobs.service.setPaused(c.req.valid('param').queue, true), 200))
}
