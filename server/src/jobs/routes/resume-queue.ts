import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { QueueParams, type Register } from './common.js'

export const resumeQueueRoute = createRoute({
  method: 'post',
  path: '/admin/queues/{queue}/resume',
  operationId: 'jobs.resumeQueue',
  summary: 'Resume a paused queue',
  tags: ['Jobs admin'],
  request: { params: QueueParams },
  responses: {
    200: { description: 'Resumed', content: { 'application/json': { schema: z.object({ queue: z.string(), paused: z.boolean() }) } } },
    ...errorResponses(400, 401, 403, 404, 503),
  },
})

export const registerResumeQueue: Register = (router, jobs) => {
  router.openapi(resumeQueueRoute, async (c) => c.json(await jobs.service.setPaused(c.req.valid('param').queue, false), 200))
}
