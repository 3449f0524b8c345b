import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { Email, GoTrueUserSchema, Metadata, RedirectQuery } from './schemas.js'

const InviteBody = z.object({ email: Email, data: Metadata.nullish() }).openapi('GoTrueInviteBody')

/** GoTrue's `POST /invite` (auth-js `admin.inviteUserByEmail`): creates the user and emails the invitation. */
export const inviteRoute = createRoute({
  method: 'post',
  path: '/invite',
  operationId: 'auth.adminInvite',
  summary: 'Invite a user by email (GoTrue admin, service key)',
  request: { query: RedirectQuery, body: { required: true, content: { 'application/json': { schema: InviteBody } } } },
  responses: {
    200: { description: 'The invited user', content: { 'application/json': { schema: GoTrueUserSchema } } },
    ...errorResponses(400, 401, 403, 422, 429),
  },
})

export function registerInvite(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(inviteRoute, async (c) => {
    const b = c.req.valid('json')
    return c.json(await d.auth.admin.links.invite(b.email, b.data ?? undefined, c.req.valid('query').redirect_to), 200)
  })
}
