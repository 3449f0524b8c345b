import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { DryRun } from '../models.js'
import { adminIdentity, type SchemaService } from '../service.js'
import { DropQuery, EnumParams } from '../shapes.js'

export const dropEnumRoute = createRoute({
  method: 'delete',
  path: '/enums/{enum}',
  operationId: 'admin.dropEnum',
  summary: 'Drop an enum type',
  description: 'With ?dry_run=true it checks the input (schema, names, types, expressions) and answers the SQL it would run, executing none of it (so a name already taken or rows that do not fit show only on the real run). Otherwise it runs that SQL in one transaction, records it in the audit log and answers it with the result; any failure leaves nothing changed.',
  tags: ['Admin'],
  request: { params: EnumParams, query: DropQuery },
  responses: {
    200: { description: 'The SQL (and, unless a dry run, the result)', content: { 'application/json': { schema: DryRun } } },
    ...errorResponses(400, 401, 403, 404, 409, 503),
  },
})

export function registerDropEnum(router: Router, schema: SchemaService) {
  router.openapi(dropEnumRoute, async (c) => {
    const { dry_run, cascade } = c.req.valid('query')
    const out = await schema.dropEnum(adminIdentity(c.var.identity), dry_run, c.req.valid('param').enum, cascade)
    return c.json(out, 200)
  })
}
