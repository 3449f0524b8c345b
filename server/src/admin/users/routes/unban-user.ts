import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../../http/index.js'
import { AdminUser, UserParams } from '../schemas.js'
import type { UsersService } from '../service.js'

export const unbanUserRoute = createRoute({
  method: 'post',
  path: '/users/{id}/unban',
  operationId: 'admin.unbanUser',
  summary: 'Lift a ban',
  tags: ['Admin'],
  request: { params: UserParams },
  responses: {
    200: { description: 'The user, no longer banned', content: { 'application/json': { schema: AdminUser } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerUnbanUser(router: Router, users: UsersService) {
  router.openapi(unbanUserRoute, async (c) => c.json(await users.unban(requireIdentity(c), c.req.valid('param').id), 200))
}
