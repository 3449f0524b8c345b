import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import { GoTrueFactorSchema } from './admin-schemas.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { FactorParams, UserParams } from './factors-schemas.js'

/** GoTrue's `DELETE /admin/users/{userId}/factors/{factorId}` (auth-js `admin.mfa.deleteFactor`): answers the factor. */
export const deleteUserFactorRoute = createRoute({
  method: 'delete',
  path: '/admin/users/{userId}/factors/{factorId}',
  operationId: 'auth.adminDeleteFactor',
  summary: "Remove a user's MFA factor (GoTrue admin, service key)",
  request: { params: UserParams.merge(FactorParams) },
  responses: {
    200: { description: 'The deleted factor', content: { 'application/json': { schema: GoTrueFactorSchema } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerDeleteUserFactor(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(deleteUserFactorRoute, async (c) => {
    const p = c.req.valid('param')
    return c.json(await d.auth.mfa.adminDeleteFactor(p.userId, p.factorId), 200)
  })
}
