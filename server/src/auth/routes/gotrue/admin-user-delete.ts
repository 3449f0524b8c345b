import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { UserParams } from './factors-schemas.js'

const DeleteBody = z.object({ should_soft_delete: z.boolean().nullish() }).openapi('GoTrueAdminDeleteUserBody')

/** GoTrue's `DELETE /admin/users/{userId}` (auth-js `admin.deleteUser`); answers `{}` as GoTrue does. */
export const deleteUserRoute = createRoute({
  method: 'delete',
  path: '/admin/users/{userId}',
  operationId: 'auth.adminDeleteUser',
  summary: 'Delete a user (GoTrue admin, service key)',
  request: { params: UserParams, body: { required: false, content: { 'application/json': { schema: DeleteBody } } } },
  responses: {
    200: { description: 'Deleted', content: { 'application/json': { schema: z.object({}) } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerDeleteUser(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(deleteUserRoute, async (c) => {
    await d.auth.admin.users.deleteUser(c.req.valid('param').userId, c.req.valid('json')?.should_soft_delete === true)
    return c.json({}, 200)
  })
}
