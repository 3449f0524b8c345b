import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { identityOf, QueueParams, type Register } from './common.js'

const EnqueueBody = z
  .object({
    payload: z.unknown().openapi({ example: { image: 'avatars/a.png' } }),
    delay_ms: z.number().int().min(0).max(365 * 86_400_000).optional(),
    priority: z.number().int().min(1).max(2_097_152).optional().openapi({ description: '1 is the highest' }),
    idempotency_key: z.string().min(1).max(200).optional().openapi({ description: 'The same key never creates two jobs' }),
  })
  .strict()
  .openapi('EnqueueBody')

export const enqueueJobRoute = createRoute({
  method: 'post',
  path: '/{queue}',
  operationId: 'jobs.enqueueJob',
  tags: ['Jobs'],
  request: { params: QueueParams, body: { required: true, content: { 'application/json': { schema: EnqueueBody } } } },
  responses: {
    202: { description: 'Enqueued', content: { 'application/json': { schema: z.object({ id: z.string(), queue: z.string() }).openapi('EnqueuedJob') } } },
    ...errorResponses(400, 401, 403, 404, 413, 503),
  },
})

export const registerEnqueueJob: Register = (router, jobs) => {
  router.openapi(enqueueJobRoute, async (c) => {
    const { payload, ...options } = c.req.valid('json')
    const job = await jobs.service.enqueue(identityOf(c), c.req.valid('param').queue, payload, options)
    return c.json(job, 202)
  })
}
