import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { Index } from '../models.js'
import { type SchemaService } from '../service.js'
import { SchemaQuery } from '../shapes.js'

export const listIndexesRoute = createRoute({
  method: 'get',
  path: '/indexes',
  operationId: 'admin.listIndexes',
  summary: 'Indexes of the exposed schemas',
  description: 'Each with its key columns (or expressions), method and definition.',
  tags: ['Admin'],
  request: { query: SchemaQuery },
  responses: {
    200: { description: 'Indexes of the exposed schemas', content: { 'application/json': { schema: z.array(Index) } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListIndexes(router: Router, schema: SchemaService) {
  router.openapi(listIndexesRoute, async (c) => {
    return c.json(await schema.listIndexes(c.req.valid('query').schema), 200)
  })
}
