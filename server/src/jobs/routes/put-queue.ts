import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { QueueDeclaration, QueueDeclarationBody } from '../types.js'
import { QueueParams, type Register } from './common.js'

export const putQueueRoute = createRoute({
  method: 'put',
  path: '/admin/queues/{queue}',
  operationId: 'jobs.putQueue',
  tags: ['Jobs admin'],
  summary: 'Declare or change a queue; workers follow without a restart',
  description: 'The handler (default: the queue\'s own name) must exist: a built-in (`webhook`, `email`) or a module of FLOE_FUNCTIONS_DIR. Otherwise 400, listing the handlers there are.',
  request: { params: QueueParams, body: { required: true, content: { 'application/json': { schema: QueueDeclarationBody } } } },
  responses: {
    200: { description: 'Changed', content: { 'application/json': { schema: QueueDeclaration } } },
    201: { description: 'Declared', content: { 'application/json': { schema: QueueDeclaration } } },
    ...errorResponses(400, 401, 403),
  },
})

export const registerPutQueue: Register = (router, jobs) => {
  router.openapi(putQueueRoute, async (c) => {
    const { queue, created } = await jobs.service.putQueue(c.req.valid('param').queue, c.req.valid('json'))
    return created ? c.json(queue, 201) : c.json(queue, 200)
  })
}
