import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { FactorParams } from './factors-schemas.js'

/** GoTrue's `DELETE /factors/{factorId}`: a verified factor only from an aal2 session (auth-js `mfa.unenroll`). */
export const unenrollFactorRoute = createRoute({
  method: 'delete',
  path: '/factors/{factorId}',
  operationId: 'auth.unenrollFactor',
  summary: 'Remove an enrolled factor (GoTrue)',
  request: { params: FactorParams },
  responses: {
    200: { description: 'The factor is gone', content: { 'application/json': { schema: z.object({ id: z.string() }) } } },
    ...errorResponses(401, 403, 404, 422),
  },
})

export function registerUnenrollFactor(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(unenrollFactorRoute, async (c) => c.json(await d.auth.mfa.unenroll(c.var.identity, c.req.valid('param').factorId), 200))
}
