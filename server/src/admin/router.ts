/**
 * `/admin/v1`: the admin API. Every route sits behind requireAdmin (service key or an admin
 * user's access token); the rules routes manage Postgres policies through the rules service, and
 * the realtime routes which tables' changes are captured for postgres_changes.
 */
import type pg from 'pg'
import { createRouter, type Router } from '../http/index.js'
import { requireAdmin } from './require-admin.js'
import { registerCreateRule } from './routes/create-rule.js'
import { registerDeleteRule } from './routes/delete-rule.js'
import { registerExplainRules } from './routes/explain-rules.js'
import { registerListRuleWarnings } from './routes/list-rule-warnings.js'
import { registerListRealtimeTables } from './routes/list-realtime-tables.js'
import { registerListRules } from './routes/list-rules.js'
import { registerSetTableRealtime } from './routes/set-table-realtime.js'
import { registerSetTableRls } from './routes/set-table-rls.js'
import { registerUpdateRule } from './routes/update-rule.js'
import type { RulesService } from './service.js'

export interface AdminRouterDeps {
  pool: pg.Pool
  rules: RulesService
}

export function adminRouter(deps: AdminRouterDeps): Router {
  const router = createRouter()
  router.use('*', requireAdmin(deps.pool))
  registerListRules(router, deps.rules)
  registerCreateRule(router, deps.rules)
  registerUpdateRule(router, deps.rules)
  registerDeleteRule(router, deps.rules)
  registerSetTableRls(router, deps.rules)
  registerListRuleWarnings(router, deps.rules)
  registerExplainRules(router, deps.rules)
  registerListRealtimeTables(router, deps.rules)
  registerSetTableRealtime(router, deps.rules)
  return router
}
