/**
 * `/admin/v1`: the admin API. Every route sits behind requireAdmin (service key or an admin
 * user's access token). Each area registers its routes through its own door: the rules and
 * realtime routes here (through the rules service), the schema editor (`schema/`), the SQL runner
 * (`sql/`), users and the email outbox (`users/`), the rows for the table editor (`data/`), the
 * API keys (`keys/`), and the audit log every change writes to.
 */
import type pg from 'pg'
import type { AuthService } from '../auth/index.js'
import type { Config } from '../config.js'
import type { WithOwner } from '../db/index.js'
import { createRouter, type Router } from '../http/index.js'
import type { Logger } from '../log.js'
import type { RestHandler } from '../rest/index.js'
import { requireAdmin } from './require-admin.js'
import { registerCreateRule } from './routes/create-rule.js'
import { registerDeleteRule } from './routes/delete-rule.js'
import { registerExplainRules } from './routes/explain-rules.js'
import { registerListAudit } from './routes/list-audit.js'
import { registerListRuleWarnings } from './routes/list-rule-warnings.js'
import { registerListRealtimeTables } from './routes/list-realtime-tables.js'
import { registerListRules } from './routes/list-rules.js'
import { registerSetTableRealtime } from './routes/set-table-realtime.js'
import { registerSetTableRls } from './routes/set-table-rls.js'
import { registerUpdateRule } from './routes/update-rule.js'
import { registerDataRoutes } from './data/index.js'
import { registerKeyRoutes } from './keys/index.js'
import { registerSchemaRoutes } from './schema/index.js'
import type { RulesService } from './service.js'
import { registerSqlRoutes } from './sql/index.js'
import { registerUserRoutes } from './users/index.js'

export interface AdminRouterDeps {
  pool: pg.Pool
  /** Transactions as the server's own role (the tables' owner). */
  withOwner: WithOwner
  rules: RulesService
  /** Accounts (better-auth); absent in apps built without auth. */
  auth?: AuthService | undefined
  /** The schemas the data API serves. */
  exposedSchemas: readonly string[]
  statementTimeoutMs: number
  log: Logger
  /** The data API, which the table editor uses as service_role at /admin/v1/rest. */
  rest: RestHandler
  bodyLimit: number
  /** The env-given secrets (an env-given API key replaces the stored one of its kind). */
  instanceKeys: Pick<Config, 'jwtSecret' | 'anonKey' | 'serviceKey'>
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
  registerListAudit(router, deps.withOwner)
  registerSchemaRoutes(router, deps)
  registerSqlRoutes(router, deps)
  registerUserRoutes(router, deps)
  registerDataRoutes(router, deps)
  registerKeyRoutes(router, deps)
  return router
}
