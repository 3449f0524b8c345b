import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { QueueDeclaration } from '../types.js'
import type { Register } from './common.js'

export const listQueuesRoute = createRoute({
  method: 'get',
  path: '/admin/queues',
  operationId: 'jobs.listQueues',
  tags: ['Jobs admin'],
  responses: {
    200: { description: 'Queue declarations', content: { 'application/json': { schema: z.array(QueueDeclaration) } } },
    ...errorResponses(401, 403),
  },
})

export const registerListQueues: Register = (router, jobs) => {
  router.openapi(listQueuesRoute, (c) => c.json(jobs.service.listQueues(), 200))
}
