import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../http/index.js'
import { Explanation, ExplainInput } from '../schemas.js'
import type { RulesService } from '../service.js'

export const explainRulesRoute = createRoute({
  method: 'post',
  path: '/rules/explain',
  operationId: 'admin.explainRules',
  summary: 'Why an identity can or cannot see or change a row',
  description: 'Evaluates each policy for the role and operation against the row, as that identity, in a rolled-back transaction.',
  tags: ['Admin'],
  request: { body: { required: true, content: { 'application/json': { schema: ExplainInput } } } },
  responses: {
    200: { description: 'The verdict of each rule and the outcome', content: { 'application/json': { schema: Explanation } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerExplainRules(router: Router, rules: RulesService) {
  router.openapi(explainRulesRoute, async (c) => c.json(await rules.explain(c.req.valid('json')), 200))
}
