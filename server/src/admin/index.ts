/**
 * Admin: `/admin/v1`, for the service key and admin users only. Owns row-level rules as data
 * (Postgres policies on tables of the exposed schemas: list, create from SQL or a template,
 * change, drop, RLS on/off, the warnings listing and the explainer) and realtime on/off per table
 * (which tables' changes postgres_changes subscribers may receive). It does not create tables or
 * users (SQL and /auth/v1 do), and fail-closed RLS on new tables is migration 0005's event trigger.
 */
export { adminRouter, type AdminRouterDeps } from './router.js'
// The first admin (public /admin/v1/setup, mounted before adminRouter; the boot token, FLOE_ADMIN_EMAIL).
export { adminSetupRouter, createAdminSetup, type AdminSetup } from './setup/index.js'
export { createRulesService, type RulesService, type RulesServiceDeps } from './service.js'
export { expandTemplate, ownerExpression, TEMPLATE_KINDS, type Template, type TemplateKind } from './templates.js'
