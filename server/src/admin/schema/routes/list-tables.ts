import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { TableSummary } from '../models.js'
import { type SchemaService } from '../service.js'
import { SchemaQuery } from '../shapes.js'

export const listTablesRoute = createRoute({
  method: 'get',
  path: '/tables',
  operationId: 'admin.listTables',
  summary: 'Tables of the exposed schemas',
  description: 'Row counts are exact for tables of at most 1 MiB on disk, else the planner estimate (rows_exact says which). Warnings flag RLS off or no rule.',
  tags: ['Admin'],
  request: { query: SchemaQuery },
  responses: {
    200: { description: 'Tables of the exposed schemas', content: { 'application/json': { schema: z.array(TableSummary) } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListTables(router: Router, schema: SchemaService) {
  router.openapi(listTablesRoute, async (c) => {
    return c.json(await schema.listTables(c.req.valid('query').schema), 200)
  })
}
