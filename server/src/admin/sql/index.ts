/**
 * The SQL runner (`POST /admin/v1/sql`): an admin's statements run in one transaction as a chosen
 * role (the owner, `service_role`, `authenticated` with given claims, or `anon`), with a row cap,
 * a timeout, column types in the results, the position of an error, and an audit entry per run.
 * It owns no tables and knows nothing of the dashboard; it does not authenticate (requireAdmin,
 * in the admin router, let the caller through).
 */
import type { Router } from '../../http/index.js'
import { registerRunSql } from './routes/run-sql.js'
import { createSqlService, type SqlServiceDeps } from './service.js'

/** `deps`: the admin router's (only what the runner uses, so this folder does not import the router back). */
export function registerSqlRoutes(router: Router, deps: SqlServiceDeps): void {
  registerRunSql(router, createSqlService(deps))
}
