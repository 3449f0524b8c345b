import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../http/index.js'
import { Webhook, WebhookBody } from '../webhooks.js'
import type { Register } from './common.js'

export const createWebhookRoute = createRoute({
  method: 'post',
  path: '/admin/webhooks',
  operationId: 'jobs.createWebhook',
  tags: ['Jobs admin'],
  summary: 'On insert/update/delete of a table, POST to a URL or enqueue to a queue (through the outbox)',
  description: '`table` is named as the rules API names one: `<table>` (default schema) or `<schema>.<table>` of an exposed schema, or `storage.objects`. Other platform schemas are refused (400).',
  request: { body: { required: true, content: { 'application/json': { schema: WebhookBody } } } },
  responses: { 201: { description: 'Created', content: { 'application/json': { schema: Webhook } } }, ...errorResponses(400, 401, 403, 404, 409) },
})

export const registerCreateWebhook: Register = (router, jobs) => {
  router.openapi(createWebhookRoute, async (c) => c.json(await jobs.webhooks.create(c.req.valid('json')), 201))
}
