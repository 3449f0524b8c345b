import { createRoute, z } from '@hono/zod-openapi'
import type { WithOwner } from '../../db/index.js'
import { errorResponses, type Router } from '../../http/index.js'
import { AuditRecord, listAudit } from '../audit.js'

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().min(1).optional().openapi({ description: 'Entries older than this id (the last id of the previous page)' }),
  action: z
    .string()
    .regex(/^[a-z_]+\.([a-z_]+)?$/, 'expected <area>.<verb> or <area>.')
    .max(100)
    .optional()
    .openapi({ example: 'schema.', description: 'One action, or every action of an area when it ends with a dot' }),
})

export const listAuditRoute = createRoute({
  method: 'get',
  path: '/audit',
  operationId: 'admin.listAudit',
  summary: 'The audit log of admin actions, newest first',
  description: 'Who changed what through the admin API, and the SQL that ran. Each entry is written in the transaction of the change it records.',
  tags: ['Admin'],
  request: { query: AuditQuery },
  responses: {
    200: { description: 'Entries, newest first', content: { 'application/json': { schema: z.array(AuditRecord) } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListAudit(router: Router, withOwner: WithOwner) {
  router.openapi(listAuditRoute, async (c) => {
    const query = c.req.valid('query')
    const entries = await withOwner('admin: list audit log', ({ client }) => listAudit(client, query), { readOnly: true })
    return c.json(entries, 200)
  })
}
