import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../../http/index.js'
import { SessionParams } from '../schemas.js'
import type { UsersService } from '../service.js'

export const revokeUserSessionRoute = createRoute({
  method: 'delete',
  path: '/users/{id}/sessions/{session_id}',
  operationId: 'admin.revokeUserSession',
  summary: 'End one session of a user',
  tags: ['Admin'],
  request: { params: SessionParams },
  responses: {
    204: { description: 'Ended' },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerRevokeUserSession(router: Router, users: UsersService) {
  router.openapi(revokeUserSessionRoute, async (c) => {
    const { id, session_id: sessionId } = c.req.valid('param')
    await users.revokeSession(requireIdentity(c), id, sessionId)
    return c.body(null, 204)
  })
}
