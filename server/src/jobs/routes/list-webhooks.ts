import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { Webhook } from '../webhooks.js'
import type { Register } from './common.js'

export const listWebhooksRoute = createRoute({
  method: 'get',
  path: '/admin/webhooks',
  operationId: 'jobs.listWebhooks',
  summary: 'List the database webhooks',
  tags: ['Jobs admin'],
  responses: { 200: { description: 'Database webhooks', content: { 'application/json': { schema: z.array(Webhook) } } }, ...errorResponses(401, 403) },
})

export const registerListWebhooks: Register = (router, jobs) => {
  router.openapi(listWebhooksRoute, async (c) => c.json(await jobs.webhooks.list(), 200))
}
