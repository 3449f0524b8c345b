import { createRoute } from '@hono/zod-openapi'
import { errorResponses, requireIdentity, type Router } from '../../../http/index.js'
import { RunSqlBody, RunSqlResponse, SqlErrorBody } from '../schemas.js'
import type { SqlService } from '../service.js'

export const runSqlRoute = createRoute({
  method: 'post',
  path: '/sql',
  operationId: 'admin.runSql',
  summary: 'Run SQL as the owner or as a request role',
  description:
    'Runs every statement of `query` in ONE transaction: it commits when all succeed, and nothing is kept when one fails ' +
    '(BEGIN / COMMIT / ROLLBACK / SAVEPOINT in the script are refused). One result per statement, rows as arrays in ' +
    'column order with each column\'s type. As `owner` the script has the server\'s own database privileges (a superuser ' +
    'on many dev boxes); as `anon`, `authenticated` (with claims) or `service_role` row-level rules decide, as for a ' +
    'client. Every run is written to the audit log (`sql.run`, `sql.run_failed`). The connection is not reused afterwards, ' +
    'so session settings the script makes do not outlive it.',
  tags: ['Admin'],
  request: { body: { required: true, content: { 'application/json': { schema: RunSqlBody } } } },
  responses: {
    200: { description: 'The results, one per statement', content: { 'application/json': { schema: RunSqlResponse } } },
    400: {
      description: 'Invalid input (INVALID_INPUT), or Postgres rejected the script (SQL_ERROR, with where), it ran past timeout_ms (SQL_TIMEOUT) or it has transaction control (SQL_TRANSACTION_CONTROL)',
      content: { 'application/json': { schema: SqlErrorBody } },
    },
    ...errorResponses(401, 403, 413, 503),
  },
})

export function registerRunSql(router: Router, sql: SqlService) {
  router.openapi(runSqlRoute, async (c) => {
    const response = await sql.run(requireIdentity(c), c.req.valid('json'))
    return c.json(response, 200)
  })
}
