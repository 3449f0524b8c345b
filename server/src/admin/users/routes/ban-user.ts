import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../../http/index.js'
import { AdminUser, BanUserBody, UserParams } from '../schemas.js'
import type { UsersService } from '../service.js'

export const banUserRoute = createRoute({
  method: 'post',
  path: '/users/{id}/ban',
  operationId: 'admin.banUser',
  summary: 'Ban a user: sign-in refused and every session ended (their refresh tokens stop working)',
  description: 'Not your own account (400), and not the last admin (409).',
  tags: ['Admin'],
  request: { params: UserParams, body: { required: false, content: { 'application/json': { schema: BanUserBody } } } },
  responses: {
    200: { description: 'The user as banned', content: { 'application/json': { schema: AdminUser } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
})

export function registerBanUser(router: Router, users: UsersService) {
  router.openapi(banUserRoute, async (c) => c.json(await users.ban(requireIdentity(c), c.req.valid('param').id, c.req.valid('json') ?? {}), 200))
}
