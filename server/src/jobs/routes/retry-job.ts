import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { JobView } from '../types.js'
import { JobParams, type Register } from './common.js'

export const retryJobRoute = createRoute({
  method: 'post',
  path: '/admin/queues/{queue}/jobs/{id}/retry',
  operationId: 'jobs.retryJob',
  tags: ['Jobs admin'],
  summary: 'Replay a failed job (dead letter) with fresh attempts',
  request: { params: JobParams },
  responses: { 200: { description: 'Queued again', content: { 'application/json': { schema: JobView } } }, ...errorResponses(400, 401, 403, 404, 409, 503) },
})

export const registerRetryJob: Register = (router, jobs) => {
  router.openapi(retryJobRoute, async (c) => {
    const { queue, id } = c.req.valid('param')
    return c.json(await jobs.service.retryJob(queue, id), 200)
  })
}
