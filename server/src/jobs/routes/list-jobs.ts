import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { JOB_STATES, JobView } from '../types.js'
import { QueueParams, type Register } from './common.js'

const ListQuery = z.object({
  state: z.enum(JOB_STATES).default('waiting'),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

export const listJobsRoute = createRoute({
  method: 'get',
  path: '/admin/queues/{queue}/jobs',
  operationId: 'jobs.listJobs',
  summary: "List a queue's jobs in one state",
  tags: ['Jobs admin'],
  request: { params: QueueParams, query: ListQuery },
  responses: { 200: { description: 'Jobs in that state', content: { 'application/json': { schema: z.array(JobView) } } }, ...errorResponses(400, 401, 403, 503) },
})

export const registerListJobs: Register = (router, jobs) => {
  router.openapi(listJobsRoute, async (c) => {
    const { state, offset, limit } = c.req.valid('query')
    return c.json(await jobs.service.listJobs(c.req.valid('param').queue, state, offset, limit), 200)
  })
}
