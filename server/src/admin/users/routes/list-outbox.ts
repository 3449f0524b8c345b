import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { OutboxList, PageQuery } from '../schemas.js'
import type { UsersService } from '../service.js'

export const listOutboxRoute = createRoute({
  method: 'get',
  path: '/outbox',
  operationId: 'admin.listOutbox',
  summary: 'The development email outbox, newest first',
  description: 'Auth emails kept in `auth.outbox` when no SMTP server is configured (with SMTP: always empty). They hold one-time links: admins only.',
  tags: ['Admin'],
  request: { query: PageQuery },
  responses: {
    200: { description: 'One page of emails and the total', content: { 'application/json': { schema: OutboxList } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListOutbox(router: Router, users: UsersService) {
  router.openapi(listOutboxRoute, async (c) => c.json(await users.listOutbox(c.req.valid('query')), 200))
}
