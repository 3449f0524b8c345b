import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../http/index.js'
import { RealtimeTable, TableParams } from '../schemas.js'
import type { RulesService } from '../service.js'

export const enableTableRealtimeRoute = createRoute({
  method: 'put',
  path: '/realtime/tables/{table}',
  operationId: 'admin.enableTableRealtime',
  summary: 'Turn realtime on for a table',
  description: 'Its inserts, updates and deletes are captured for postgres_changes subscribers, each checked against the select rules. The table needs a primary key.',
  tags: ['Admin'],
  request: { params: TableParams },
  responses: {
    200: { description: 'Realtime is on', content: { 'application/json': { schema: RealtimeTable } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export const disableTableRealtimeRoute = createRoute({
  method: 'delete',
  path: '/realtime/tables/{table}',
  operationId: 'admin.disableTableRealtime',
  summary: 'Turn realtime off for a table',
  tags: ['Admin'],
  request: { params: TableParams },
  responses: {
    200: { description: 'Realtime is off', content: { 'application/json': { schema: RealtimeTable } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerSetTableRealtime(router: Router, rules: RulesService) {
  router.openapi(enableTableRealtimeRoute, async (c) => c.json(await rules.setRealtime(c.req.valid('param').table, true, requireIdentity(c)), 200))
  router.openapi(disableTableRealtimeRoute, async (c) => c.json(await rules.setRealtime(c.req.valid('param').table, false, requireIdentity(c)), 200))
}
