import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { AdminUser, UserParams } from '../schemas.js'
import type { UsersService } from '../service.js'

export const getUserRoute = createRoute({
  method: 'get',
  path: '/users/{id}',
  operationId: 'admin.getUser',
  summary: 'One user',
  tags: ['Admin'],
  request: { params: UserParams },
  responses: {
    200: { description: 'The user', content: { 'application/json': { schema: AdminUser } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerGetUser(router: Router, users: UsersService) {
  router.openapi(getUserRoute, async (c) => c.json(await users.get(c.req.valid('param').id), 200))
}
