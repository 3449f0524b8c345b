import { createRoute } from '@hono/zod-openapi'
import { ApiError } from '../../errors/index.js'
import { errorResponses, type Router } from '../../http/index.js'
import { RlsBody, RlsState, TableParams } from '../schemas.js'
import type { RulesService } from '../service.js'

export const setTableRlsRoute = createRoute({
  method: 'post',
  path: '/tables/{table}/rls',
  operationId: 'admin.setTableRls',
  summary: 'Turn row-level security on or off for a table',
  description: 'Turning it off opens every row to every role with a grant; it is logged with the admin who did it.',
  tags: ['Admin'],
  request: {
    params: TableParams,
    body: { required: true, content: { 'application/json': { schema: RlsBody } } },
  },
  responses: {
    200: { description: 'The table\'s RLS state', content: { 'application/json': { schema: RlsState } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerSetTableRls(router: Router, rules: RulesService) {
  router.openapi(setTableRlsRoute, async (c) => {
    const identity = c.var.identity
    if (!identity) throw new ApiError('UNAUTHENTICATED')
    const state = await rules.setRowLevelSecurity(c.req.valid('param').table, c.req.valid('json').enabled, identity)
    return c.json(state, 200)
  })
}
