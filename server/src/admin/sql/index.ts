/**
 * The SQL runner (`POST /admin/v1/sql`): an admin's statements run as a chosen role (the owner,
 * `service_role`, `authenticated` with given claims, or `anon`), with a row cap, a timeout, column
 * types in the results and the position of an error.
 */
import type { Router } from '../../http/index.js'
import type { AdminRouterDeps } from '../router.js'

export function registerSqlRoutes(_router: Router, _deps: AdminRouterDeps): void {}
