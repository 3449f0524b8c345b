import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { Func } from '../models.js'
import { type SchemaService } from '../service.js'
import { SchemaQuery } from '../shapes.js'

export const listFunctionsRoute = createRoute({
  method: 'get',
  path: '/functions',
  operationId: 'admin.listFunctions',
  summary: 'Functions and procedures of the exposed schemas',
  description: 'Not aggregates, not those of extensions.',
  tags: ['Admin'],
  request: { query: SchemaQuery },
  responses: {
    200: { description: 'Functions and procedures of the exposed schemas', content: { 'application/json': { schema: z.array(Func) } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListFunctions(router: Router, schema: SchemaService) {
  router.openapi(listFunctionsRoute, async (c) => {
    return c.json(await schema.listFunctions(c.req.valid('query').schema), 200)
  })
}
