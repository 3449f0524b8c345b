import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../http/index.js'
import { Rule, TableParams } from '../schemas.js'
import type { RulesService } from '../service.js'

export const listRulesRoute = createRoute({
  method: 'get',
  path: '/tables/{table}/rules',
  operationId: 'admin.listRules',
  summary: "A table's row-level rules (its policies)",
  tags: ['Admin'],
  request: { params: TableParams },
  responses: {
    200: { description: 'The rules', content: { 'application/json': { schema: z.array(Rule) } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerListRules(router: Router, rules: RulesService) {
  router.openapi(listRulesRoute, async (c) => c.json(await rules.listRules(c.req.valid('param').table), 200))
}
