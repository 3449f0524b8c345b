import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { View } from '../models.js'
import { type SchemaService } from '../service.js'
import { SchemaQuery } from '../shapes.js'

export const listViewsRoute = createRoute({
  method: 'get',
  path: '/views',
  operationId: 'admin.listViews',
  summary: 'Views of the exposed schemas, with their definitions',
  description: 'Materialized views included (materialized: true).',
  tags: ['Admin'],
  request: { query: SchemaQuery },
  responses: {
    200: { description: 'Views of the exposed schemas, with their definitions', content: { 'application/json': { schema: z.array(View) } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListViews(router: Router, schema: SchemaService) {
  router.openapi(listViewsRoute, async (c) => {
    return c.json(await schema.listViews(c.req.valid('query').schema), 200)
  })
}
