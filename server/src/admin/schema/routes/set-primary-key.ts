import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { TableDetail, changed } from '../models.js'
import { adminIdentity, type SchemaService } from '../service.js'
import { DryRunQuery, PrimaryKeyBody, TableParams } from '../shapes.js'

export const setPrimaryKeyRoute = createRoute({
  method: 'put',
  path: '/tables/{table}/primary-key',
  operationId: 'admin.setPrimaryKey',
  summary: 'Set (or replace) the primary key',
  description: 'With ?dry_run=true it checks the input (schema, names, types, expressions) and answers the SQL it would run, executing none of it (so a name already taken or rows that do not fit show only on the real run). Otherwise it runs that SQL in one transaction, records it in the audit log and answers it with the result; any failure leaves nothing changed.',
  tags: ['Admin'],
  request: { params: TableParams, query: DryRunQuery, body: { required: true, content: { 'application/json': { schema: PrimaryKeyBody } } } },
  responses: {
    200: { description: 'The SQL (and, unless a dry run, the result)', content: { 'application/json': { schema: changed(TableDetail) } } },
    ...errorResponses(400, 401, 403, 404, 409, 503),
  },
})

export function registerSetPrimaryKey(router: Router, schema: SchemaService) {
  router.openapi(setPrimaryKeyRoute, async (c) => {
    const { dry_run } = c.req.valid('query')
    const out = await schema.setPrimaryKey(adminIdentity(c.var.identity), dry_run, c.req.valid('param').table, c.req.valid('json').columns)
    return c.json(out, 200)
  })
}
