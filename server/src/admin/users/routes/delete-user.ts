import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../../http/index.js'
import { UserParams } from '../schemas.js'
import type { UsersService } from '../service.js'

export const deleteUserRoute = createRoute({
  method: 'delete',
  path: '/users/{id}',
  operationId: 'admin.deleteUser',
  summary: 'Delete a user with their sessions, accounts and factors',
  description: 'Not your own account (400), and not the last admin (409). Rows of app tables that reference the user follow their foreign keys.',
  tags: ['Admin'],
  request: { params: UserParams },
  responses: {
    204: { description: 'Deleted' },
    ...errorResponses(400, 401, 403, 404, 409),
  },
})

export function registerDeleteUser(router: Router, users: UsersService) {
  router.openapi(deleteUserRoute, async (c) => {
    await users.remove(requireIdentity(c), c.req.valid('param').id)
    return c.body(null, 204)
  })
}
