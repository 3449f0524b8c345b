import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'

/** GoTrue's `POST /logout?scope=`: ends this session (local), the others, or all (global, the default). */
export const logoutRoute = createRoute({
  method: 'post',
  path: '/logout',
  operationId: 'auth.logout',
  summary: 'Sign out: every session (scope=global, the default), this one (local) or the others (GoTrue)',
  request: { query: z.object({ scope: z.enum(['global', 'local', 'others']).default('global') }) },
  responses: { 204: { description: 'Signed out' }, ...errorResponses(400, 401) },
})

export function registerLogout(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(logoutRoute, async (c) => {
    await d.gotrue.logout(c.var.identity, c.req.valid('query').scope)
    return c.body(null, 204)
  })
}
