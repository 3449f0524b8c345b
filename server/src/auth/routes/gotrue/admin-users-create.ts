import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import { AdminUserBody, adminUserInput } from './admin-schemas.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { GoTrueUserSchema } from './schemas.js'

/** GoTrue's `POST /admin/users` (auth-js `admin.createUser`): `email_confirm: true` makes a user who can sign in at once. */
export const createUserRoute = createRoute({
  method: 'post',
  path: '/admin/users',
  operationId: 'auth.adminCreateUser',
  summary: 'Create a user (GoTrue admin, service key)',
  request: { body: { required: true, content: { 'application/json': { schema: AdminUserBody } } } },
  responses: {
    200: { description: 'The new user', content: { 'application/json': { schema: GoTrueUserSchema } } },
    ...errorResponses(400, 401, 403, 422),
  },
})

export function registerCreateUser(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(createUserRoute, async (c) => c.json(await d.auth.admin.users.createUser(adminUserInput(c.req.valid('json'))), 200))
}
