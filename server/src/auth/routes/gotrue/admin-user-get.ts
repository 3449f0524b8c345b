import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { UserParams } from './factors-schemas.js'
import { GoTrueUserSchema } from './schemas.js'

/** GoTrue's `GET /admin/users/{userId}` (auth-js `admin.getUserById`). */
export const getUserByIdRoute = createRoute({
  method: 'get',
  path: '/admin/users/{userId}',
  operationId: 'auth.adminGetUserById',
  summary: 'Get a user by id (GoTrue admin, service key)',
  request: { params: UserParams },
  responses: {
    200: { description: 'The user', content: { 'application/json': { schema: GoTrueUserSchema } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerGetUserById(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(getUserByIdRoute, async (c) => c.json(await d.auth.admin.users.getUser(c.req.valid('param').userId), 200))
}
