import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../../http/index.js'
import type { KeyService } from '../service.js'
import { ApiKey } from './list-keys.js'

export const rotateKeyRoute = createRoute({
  method: 'post',
  path: '/keys/{kind}/rotate',
  operationId: 'admin.rotateKey',
  summary: 'Replace a key with a new one',
  description: 'The old key stops working at once on every server of this database. A key set by env (FLOE_ANON_KEY, FLOE_SERVICE_KEY) is replaced by changing the variable instead (400).',
  tags: ['Admin'],
  request: { params: z.object({ kind: z.enum(['anon', 'service']) }) },
  responses: {
    200: { description: 'The new key', content: { 'application/json': { schema: ApiKey } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerRotateKey(router: Router, keys: KeyService) {
  router.openapi(rotateKeyRoute, async (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json(await keys.rotate(c.req.valid('param').kind, requireIdentity(c)), 200)
  })
}
