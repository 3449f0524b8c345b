import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../http/index.js'
import { Warning } from '../schemas.js'
import type { RulesService } from '../service.js'

export const listRuleWarningsRoute = createRoute({
  method: 'get',
  path: '/rules/warnings',
  operationId: 'admin.listRuleWarnings',
  summary: 'Exposed tables with RLS off, or on with no rule',
  tags: ['Admin'],
  responses: {
    200: { description: 'The tables to look at', content: { 'application/json': { schema: z.array(Warning) } } },
    ...errorResponses(401, 403),
  },
})

export function registerListRuleWarnings(router: Router, rules: RulesService) {
  router.openapi(listRuleWarningsRoute, async (c) => c.json(await rules.listWarnings(), 200))
}
