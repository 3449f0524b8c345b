import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { JobView } from '../types.js'
import type { Register } from './common.js'

export const listDeadLetterRoute = createRoute({
  method: 'get',
  path: '/admin/dead-letter',
  operationId: 'jobs.listDeadLetter',
  tags: ['Jobs admin'],
  summary: 'Failed jobs past their attempts, all queues, newest first (replay with .../retry)',
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
  responses: { 200: { description: 'Failed jobs', content: { 'application/json': { schema: z.array(JobView) } } }, ...errorResponses(400, 401, 403, 503) },
})

export const registerListDeadLetter: Register = (router, jobs) => {
  router.openapi(listDeadLetterRoute, async (c) => c.json(await jobs.service.deadLetter(c.req.valid('query').limit), 200))
}
