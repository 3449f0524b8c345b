import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { TableDetail } from '../models.js'
import { type SchemaService } from '../service.js'
import { TableParams } from '../shapes.js'

export const getTableRoute = createRoute({
  method: 'get',
  path: '/tables/{table}',
  operationId: 'admin.getTable',
  summary: 'One table with its columns, keys and indexes',
  description: 'Foreign keys in both directions: foreign_keys (this table references others) and referenced_by.',
  tags: ['Admin'],
  request: { params: TableParams },
  responses: {
    200: { description: 'One table with its columns, keys and indexes', content: { 'application/json': { schema: TableDetail } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerGetTable(router: Router, schema: SchemaService) {
  router.openapi(getTableRoute, async (c) => {
    return c.json(await schema.getTable(c.req.valid('param').table), 200)
  })
}
