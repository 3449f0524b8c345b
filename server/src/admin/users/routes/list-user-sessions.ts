import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { AdminSession, UserParams } from '../schemas.js'
import type { UsersService } from '../service.js'

export const listUserSessionsRoute = createRoute({
  method: 'get',
  path: '/users/{id}/sessions',
  operationId: 'admin.listUserSessions',
  summary: "A user's live sessions, newest first (never their tokens)",
  tags: ['Admin'],
  request: { params: UserParams },
  responses: {
    200: { description: 'Sessions', content: { 'application/json': { schema: z.array(AdminSession) } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerListUserSessions(router: Router, users: UsersService) {
  router.openapi(listUserSessionsRoute, async (c) => c.json(await users.listSessions(c.req.valid('param').id), 200))
}
