import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { ListUsersQuery, UserList } from '../schemas.js'
import type { UsersService } from '../service.js'

export const listUsersRoute = createRoute({
  method: 'get',
  path: '/users',
  operationId: 'admin.listUsers',
  summary: 'Users, newest first: search by email or name, filter by ban, page with limit/offset',
  tags: ['Admin'],
  request: { query: ListUsersQuery },
  responses: {
    200: { description: 'One page of users and the total matching', content: { 'application/json': { schema: UserList } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListUsers(router: Router, users: UsersService) {
  router.openapi(listUsersRoute, async (c) => c.json(await users.list(c.req.valid('query')), 200))
}
