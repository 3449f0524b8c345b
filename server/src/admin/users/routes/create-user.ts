import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../../http/index.js'
import { AdminUser, CreateUserBody } from '../schemas.js'
import type { UsersService } from '../service.js'

export const createUserRoute = createRoute({
  method: 'post',
  path: '/users',
  operationId: 'admin.createUser',
  summary: 'Create a user with a password (no email is sent)',
  tags: ['Admin'],
  request: { body: { required: true, content: { 'application/json': { schema: CreateUserBody } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: AdminUser } } },
    ...errorResponses(400, 401, 403, 409),
  },
})

export function registerCreateUser(router: Router, users: UsersService) {
  router.openapi(createUserRoute, async (c) => c.json(await users.create(requireIdentity(c), c.req.valid('json')), 201))
}
