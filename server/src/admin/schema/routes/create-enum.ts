import { createRoute } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../../http/index.js'
import { DryRun, Enum, changed } from '../models.js'
import { adminIdentity, type SchemaService } from '../service.js'
import { CreateEnumBody, DryRunQuery } from '../shapes.js'

export const createEnumRoute = createRoute({
  method: 'post',
  path: '/enums',
  operationId: 'admin.createEnum',
  summary: 'Create an enum type',
  description: 'With ?dry_run=true it checks the input (schema, names, types, expressions) and answers the SQL it would run, executing none of it (so a name already taken or rows that do not fit show only on the real run). Otherwise it runs that SQL in one transaction, records it in the audit log and answers it with the result; any failure leaves nothing changed.',
  tags: ['Admin'],
  request: { query: DryRunQuery, body: { required: true, content: { 'application/json': { schema: CreateEnumBody } } } },
  responses: {
    201: { description: 'Done: the SQL that ran and the result', content: { 'application/json': { schema: changed(Enum) } } },
    200: { description: 'Dry run: the SQL it would run', content: { 'application/json': { schema: DryRun } } },
    ...errorResponses(400, 401, 403, 409, 503),
  },
})

export function registerCreateEnum(router: Router, schema: SchemaService) {
  router.openapi(createEnumRoute, async (c) => {
    const { dry_run } = c.req.valid('query')
    const out = await schema.createEnum(adminIdentity(c.var.identity), dry_run, c.req.valid('json'))
    return dry_run ? c.json(out, 200) : c.json(out, 201)
  })
}
