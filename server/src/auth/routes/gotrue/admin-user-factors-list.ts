import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import { GoTrueFactorSchema } from './admin-schemas.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { UserParams } from './factors-schemas.js'

/** GoTrue's `GET /admin/users/{userId}/factors` (auth-js `admin.mfa.listFactors`). */
export const listUserFactorsRoute = createRoute({
  method: 'get',
  path: '/admin/users/{userId}/factors',
  operationId: 'auth.adminListFactors',
  summary: "List a user's MFA factors (GoTrue admin, service key)",
  request: { params: UserParams },
  responses: {
    200: { description: "The user's factors, verified or not", content: { 'application/json': { schema: z.array(GoTrueFactorSchema) } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerListUserFactors(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(listUserFactorsRoute, async (c) => c.json(await d.auth.mfa.listFactors(c.req.valid('param').userId), 200))
}
