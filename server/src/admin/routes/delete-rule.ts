import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../http/index.js'
import { RuleParams } from '../schemas.js'
import type { RulesService } from '../service.js'

export const deleteRuleRoute = createRoute({
  method: 'delete',
  path: '/tables/{table}/rules/{name}',
  operationId: 'admin.deleteRule',
  summary: 'Remove a rule',
  tags: ['Admin'],
  request: { params: RuleParams },
  responses: {
    204: { description: 'Removed' },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerDeleteRule(router: Router, rules: RulesService) {
  router.openapi(deleteRuleRoute, async (c) => {
    const { table, name } = c.req.valid('param')
    await rules.deleteRule(table, name, requireIdentity(c))
    return c.body(null, 204)
  })
}
