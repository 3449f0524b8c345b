import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { JobParams, Ok, type Register } from './common.js'

export const removeJobRoute = createRoute({
  method: 'delete',
  path: '/admin/queues/{queue}/jobs/{id}',
  operationId: 'jobs.removeJob',
  summary: 'Remove a job',
  tags: ['Jobs admin'],
  request: { params: JobParams },
  responses: { 200: { description: 'Removed', content: { 'application/json': { schema: Ok } } }, ...errorResponses(400, 401, 403, 404, 503) },
})

export const registerRemoveJob: Register = (router, jobs) => {
  router.openapi(removeJobRoute, async (c) => {
    const { queue, id } = c.req.valid('param')
    await jobs.service.removeJob(queue, id)
    return c.json({ ok: true as const }, 200)
  })
}
