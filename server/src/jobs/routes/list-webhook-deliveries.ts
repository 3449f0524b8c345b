import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { QueueName } from '../types.js'
import { WebhookDelivery } from '../webhooks.js'
import type { Register } from './common.js'

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().regex(/^[1-9][0-9]{0,17}$/, 'expected a delivery id').optional(),
})

export const listWebhookDeliveriesRoute = createRoute({
  method: 'get',
  path: '/admin/webhooks/{name}/deliveries',
  operationId: 'jobs.listWebhookDeliveries',
  tags: ['Jobs admin'],
  summary: "A database webhook's delivery attempts, newest first (kept 7 days)",
  request: { params: z.object({ name: QueueName }), query: Query },
  responses: { 200: { description: 'Delivery attempts', content: { 'application/json': { schema: z.array(WebhookDelivery) } } }, ...errorResponses(400, 401, 403, 404) },
})

export const registerListWebhookDeliveries: Register = (router, jobs) => {
  router.openapi(listWebhookDeliveriesRoute, async (c) => {
    const { limit, before } = c.req.valid('query')
    return c.json(await jobs.webhooks.deliveries(c.req.valid('param').name, limit, before), 200)
  })
}
