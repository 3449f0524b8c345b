import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import type { KeyService } from '../service.js'

export const ApiKey = z
  .object({
    kind: z.enum(['anon', 'service']),
    key: z.string(),
    source: z.enum(['env', 'database']).openapi({ description: '`env`: set by FLOE_ANON_KEY / FLOE_SERVICE_KEY and rotated by changing it' }),
    created_at: z.string().nullable(),
  })
  .openapi('ApiKey')

export const listKeysRoute = createRoute({
  method: 'get',
  path: '/keys',
  operationId: 'admin.listKeys',
  summary: 'The active API keys, in clear',
  description: 'The anon key (public, bound by the rules) and the service key (secret, bypasses them).',
  tags: ['Admin'],
  responses: {
    200: { description: 'Active keys', content: { 'application/json': { schema: z.array(ApiKey) } } },
    ...errorResponses(401, 403),
  },
})

export function registerListKeys(router: Router, keys: KeyService) {
  router.openapi(listKeysRoute, async (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json(await keys.list(), 200)
  })
}
