import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../../http/index.js'
import { AdminUser, UpdateUserBody, UserParams } from '../schemas.js'
import type { UsersService } from '../service.js'

export const updateUserRoute = createRoute({
  method: 'patch',
  path: '/users/{id}',
  operationId: 'admin.updateUser',
  summary: "Change a user's role or name",
  description: 'A demotion that would leave no admin who is not banned is refused (409 USERS_LAST_ADMIN).',
  tags: ['Admin'],
  request: { params: UserParams, body: { required: true, content: { 'application/json': { schema: UpdateUserBody } } } },
  responses: {
    200: { description: 'The user as changed', content: { 'application/json': { schema: AdminUser } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
})

export function registerUpdateUser(router: Router, users: UsersService) {
  router.openapi(updateUserRoute, async (c) => c.json(await users.update(requireIdentity(c), c.req.valid('param').id, c.req.valid('json')), 200))
}
