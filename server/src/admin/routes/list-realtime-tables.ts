import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../http/index.js'
import { RealtimeTable } from '../schemas.js'
import type { RulesService } from '../service.js'

export const listRealtimeTablesRoute = createRoute({
  method: 'get',
  path: '/realtime/tables',
  operationId: 'admin.listRealtimeTables',
  summary: 'Tables whose changes realtime subscribers can receive',
  description: "Like the tables of Supabase's `supabase_realtime` publication. Subscribers still only receive the rows their rules let them see.",
  tags: ['Admin'],
  responses: {
    200: { description: 'The tables with realtime on', content: { 'application/json': { schema: z.array(RealtimeTable) } } },
    ...errorResponses(401, 403),
  },
})

export function registerListRealtimeTables(router: Router, rules: RulesService) {
  router.openapi(listRealtimeTablesRoute, async (c) => c.json(await rules.listRealtimeTables(), 200))
}
