import { createRoute } from '@hono/zod-openapi'
import { clientIp, errorResponses, type Router } from '../../../http/index.js'
import { SetupBody, SetupSession } from '../schemas.js'
import type { AdminSetup } from '../setup-service.js'

export const completeSetupRoute = createRoute({
  method: 'post',
  path: '/setup',
  operationId: 'admin.completeSetup',
  summary: 'Create the first admin with the setup token (public; once)',
  description:
    'The token is the one of the setup link the server logs at boot while no admin exists. Creates an admin with a verified email and answers a session as sign-in does. 401 without a token, 403 with a wrong one, 409 once an admin exists.',
  tags: ['Admin'],
  request: { body: { required: true, content: { 'application/json': { schema: SetupBody } } } },
  responses: {
    201: { description: 'The admin, signed in', content: { 'application/json': { schema: SetupSession } } },
    ...errorResponses(400, 401, 403, 409),
  },
})

export function registerCompleteSetup(router: Router, setup: AdminSetup, trustProxy: boolean) {
  router.openapi(completeSetupRoute, async (c) => {
    const session = await setup.complete(c.req.valid('json'), { ip: clientIp(c, trustProxy), userAgent: c.req.header('user-agent') })
    return c.json(session, 201)
  })
}
