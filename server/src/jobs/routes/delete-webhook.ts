import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { QueueName } from '../types.js'
import { Ok, type Register } from './common.js'

export const deleteWebhookRoute = createRoute({
  method: 'delete',
  path: '/admin/webhooks/{name}',
  operationId: 'jobs.deleteWebhook',
  summary: 'Remove a database webhook and its trigger',
  tags: ['Jobs admin'],
  request: { params: z.object({ name: QueueName }) },
  responses: { 200: { description: 'Removed', content: { 'application/json': { schema: Ok } } }, ...errorResponses(400, 401, 403, 404) },
})

export const registerDeleteWebhook: Register = (router, jobs) => {
  router.openapi(deleteWebhookRoute, async (c) => {
    await jobs.webhooks.remove(c.req.valid('param').name)
    return c.json({ ok: true as const }, 200)
  })
}
