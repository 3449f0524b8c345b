import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { QueueParams, type Register } from './common.js'

export const getQueueCountsRoute = createRoute({
  method: 'get',
  path: '/admin/queues/{queue}/counts',
  operationId: 'jobs.getQueueCounts',
  summary: "A queue's job counts by state",
  tags: ['Jobs admin'],
  request: { params: QueueParams },
  responses: {
    200: { description: 'Jobs per state', content: { 'application/json': { schema: z.record(z.string(), z.number()).openapi('JobCounts') } } },
    ...errorResponses(400, 401, 403, 404, 503),
  },
})

export const registerGetQueueCounts: Register = (router, jobs) => {
  router.openapi(getQueueCountsRoute, async (c) => c.json(await jobs.service.counts(c.req.valid('param').queue), 200))
}
