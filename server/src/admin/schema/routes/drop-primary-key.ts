import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { TableDetail, changed } from '../models.js'
import { adminIdentity, type SchemaService } from '../service.js'
import { DropQuery, TableParams } from '../shapes.js'

export const dropPrimaryKeyRoute = createRoute({
  method: 'delete',
  path: '/tables/{table}/primary-key',
  operationId: 'admin.dropPrimaryKey',
  summary: 'Drop the primary key',
  description: 'With ?dry_run=true it checks the input (schema, names, types, expressions) and answers the SQL it would run, executing none of it (so a name already taken or rows that do not fit show only on the real run). Otherwise it runs that SQL in one transaction, records it in the audit log and answers it with the result; any failure leaves nothing changed.',
  tags: ['Admin'],
  request: { params: TableParams, query: DropQuery },
  responses: {
    200: { description: 'The SQL (and, unless a dry run, the result)', content: { 'application/json': { schema: changed(TableDetail) } } },
    ...errorResponses(400, 401, 403, 404, 409, 503),
  },
})

export function registerDropPrimaryKey(router: Router, schema: SchemaService) {
  router.openapi(dropPrimaryKeyRoute, async (c) => {
    const { dry_run, cascade } = c.req.valid('query')
    const out = await schema.dropPrimaryKey(adminIdentity(c.var.identity), dry_run, c.req.valid('param').table, cascade)
    return c.json(out, 200)
  })
}
