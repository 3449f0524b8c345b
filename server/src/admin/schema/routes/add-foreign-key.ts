import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { DryRun, TableDetail, changed } from '../models.js'
import { adminIdentity, type SchemaService } from '../service.js'
import { DryRunQuery, ForeignKeySpec, TableParams } from '../shapes.js'

export const addForeignKeyRoute = createRoute({
  method: 'post',
  path: '/tables/{table}/foreign-keys',
  operationId: 'admin.addForeignKey',
  summary: 'Add a foreign key',
  description: 'With ?dry_run=true it checks the input (schema, names, types, expressions) and answers the SQL it would run, executing none of it (so a name already taken or rows that do not fit show only on the real run). Otherwise it runs that SQL in one transaction, records it in the audit log and answers it with the result; any failure leaves nothing changed.',
  tags: ['Admin'],
  request: { params: TableParams, query: DryRunQuery, body: { required: true, content: { 'application/json': { schema: ForeignKeySpec } } } },
  responses: {
    201: { description: 'Done: the SQL that ran and the result', content: { 'application/json': { schema: changed(TableDetail) } } },
    200: { description: 'Dry run: the SQL it would run', content: { 'application/json': { schema: DryRun } } },
    ...errorResponses(400, 401, 403, 404, 409, 503),
  },
})

export function registerAddForeignKey(router: Router, schema: SchemaService) {
  router.openapi(addForeignKeyRoute, async (c) => {
    const { dry_run } = c.req.valid('query')
    const out = await schema.addForeignKey(adminIdentity(c.var.identity), dry_run, c.req.valid('param').table, c.req.valid('json'))
    return dry_run ? c.json(out, 200) : c.json(out, 201)
  })
}
