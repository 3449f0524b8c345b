import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { SetupStatus } from '../schemas.js'
import type { AdminSetup } from '../setup-service.js'

export const getSetupRoute = createRoute({
  method: 'get',
  path: '/setup',
  operationId: 'admin.getSetup',
  summary: 'Whether the instance still needs its first admin (public)',
  tags: ['Admin'],
  responses: {
    200: { description: 'Setup status', content: { 'application/json': { schema: SetupStatus } } },
    ...errorResponses(503),
  },
})

export function registerGetSetup(router: Router, setup: AdminSetup) {
  router.openapi(getSetupRoute, async (c) => c.json({ needs_setup: await setup.needsSetup() }, 200))
}
