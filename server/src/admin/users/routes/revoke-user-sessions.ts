import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../../http/index.js'
import { UserParams } from '../schemas.js'
import type { UsersService } from '../service.js'

export const revokeUserSessionsRoute = createRoute({
  method: 'delete',
  path: '/users/{id}/sessions',
  operationId: 'admin.revokeUserSessions',
  summary: 'End every session of a user (their refresh tokens stop working)',
  tags: ['Admin'],
  request: { params: UserParams },
  responses: {
    200: { description: 'How many sessions ended', content: { 'application/json': { schema: z.object({ revoked: z.number().int() }) } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerRevokeUserSessions(router: Router, users: UsersService) {
  router.openapi(revokeUserSessionsRoute, async (c) => c.json(await users.revokeSessions(requireIdentity(c), c.req.valid('param').id), 200))
}
