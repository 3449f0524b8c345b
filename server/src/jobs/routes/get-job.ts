import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { JobView } from '../types.js'
import { JobParams, type Register } from './common.js'

export const getJobRoute = createRoute({
  method: 'get',
  path: '/{queue}/{id}',
  operationId: 'jobs.getJob',
  tags: ['Jobs'],
  summary: 'Status, progress, result or failure of a job (a user sees only the jobs they enqueued)',
  request: { params: JobParams },
  responses: {
    200: { description: 'The job', content: { 'application/json': { schema: JobView } } },
    ...errorResponses(400, 401, 404, 503),
  },
})

export const registerGetJob: Register = (router, jobs) => {
  router.openapi(getJobRoute, async (c) => {
    const { queue, id } = c.req.valid('param')
    return c.json(await jobs.service.getJob(requireIdentity(c), queue, id), 200)
  })
}
