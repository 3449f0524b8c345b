import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import { AdminUserBody, adminUserInput } from './admin-schemas.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { UserParams } from './factors-schemas.js'
import { GoTrueUserSchema } from './schemas.js'

/** GoTrue's `PUT /admin/users/{userId}` (auth-js `admin.updateUserById`): email, password, metadata, email_confirm, ban_duration. */
export const updateUserByIdRoute = createRoute({
  method: 'put',
  path: '/admin/users/{userId}',
  operationId: 'auth.adminUpdateUserById',
  summary: "Change a user's email, password, metadata or ban (GoTrue admin, service key)",
  request: { params: UserParams, body: { required: true, content: { 'application/json': { schema: AdminUserBody } } } },
  responses: {
    200: { description: 'The user as changed', content: { 'application/json': { schema: GoTrueUserSchema } } },
    ...errorResponses(400, 401, 403, 404, 422),
  },
})

export function registerUpdateUserById(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(updateUserByIdRoute, async (c) => {
    const user = await d.auth.admin.users.updateUser(c.req.valid('param').userId, adminUserInput(c.req.valid('json')))
    return c.json(user, 200)
  })
}
