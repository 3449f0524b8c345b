import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../http/index.js'
import { Rule, RuleInput, TableParams } from '../schemas.js'
import type { RulesService } from '../service.js'

export const createRuleRoute = createRoute({
  method: 'post',
  path: '/tables/{table}/rules',
  operationId: 'admin.createRule',
  summary: 'Add a rule, or the rules of a template, in one transaction',
  description: 'A bad using / check expression is refused with RULES_INVALID_EXPRESSION and nothing changes.',
  tags: ['Admin'],
  request: {
    params: TableParams,
    body: { required: true, content: { 'application/json': { schema: RuleInput } } },
  },
  responses: {
    201: { description: 'The rules created (two for owner_write_public_read)', content: { 'application/json': { schema: z.array(Rule) } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
})

export function registerCreateRule(router: Router, rules: RulesService) {
  router.openapi(createRuleRoute, async (c) => {
    const created = await rules.createRules(c.req.valid('param').table, c.req.valid('json'), requireIdentity(c))
    return c.json(created, 201)
  })
}
