import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { Enum } from '../models.js'
import { type SchemaService } from '../service.js'
import { SchemaQuery } from '../shapes.js'

export const listEnumsRoute = createRoute({
  method: 'get',
  path: '/enums',
  operationId: 'admin.listEnums',
  summary: 'Enum types of the exposed schemas',
  description: 'Values in their sort order.',
  tags: ['Admin'],
  request: { query: SchemaQuery },
  responses: {
    200: { description: 'Enum types of the exposed schemas', content: { 'application/json': { schema: z.array(Enum) } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListEnums(router: Router, schema: SchemaService) {
  router.openapi(listEnumsRoute, async (c) => {
    return c.json(await schema.listEnums(c.req.valid('query').schema), 200)
  })
}
