import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { QueueListing } from '../types.js'
import type { Register } from './common.js'

export const listQueuesRoute = createRoute({
  method: 'get',
  path: '/admin/queues',
  operationId: 'jobs.listQueues',
  summary: 'List the declared queues, each with whether it is paused',
  tags: ['Jobs admin'],
  responses: {
    200: { description: 'Queue declarations, each with whether it is paused', content: { 'application/json': { schema: z.array(QueueListing) } } },
    ...errorResponses(401, 403),
  },
})

export const registerListQueues: Register = (router, jobs) => {
  router.openapi(listQueuesRoute, async (c) => c.json(await jobs.service.listQueues(), 200))
}
