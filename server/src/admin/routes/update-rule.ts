import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../http/index.js'
import { Rule, RuleParams, RulePatch } from '../schemas.js'
import type { RulesService } from '../service.js'

export const updateRuleRoute = createRoute({
  method: 'patch',
  path: '/tables/{table}/rules/{name}',
  operationId: 'admin.updateRule',
  summary: 'Change a rule (name, operation, roles, expressions) in one transaction',
  tags: ['Admin'],
  request: {
    params: RuleParams,
    body: { required: true, content: { 'application/json': { schema: RulePatch } } },
  },
  responses: {
    200: { description: 'The rule as it now is', content: { 'application/json': { schema: Rule } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
})

export function registerUpdateRule(router: Router, rules: RulesService) {
  router.openapi(updateRuleRoute, async (c) => {
    const { table, name } = c.req.valid('param')
    return c.json(await rules.updateRule(table, name, c.req.valid('json'), requireIdentity(c)), 200)
  })
}
