/**
 * The first admin: `GET /admin/v1/setup` (does the instance need one?) and `POST /admin/v1/setup`
 * (create it with the one-time token of the link the boot log prints), both public, in a router
 * of their own that app.ts mounts before the admin router (whose every route wants an admin); and
 * the boot side (the token, FLOE_ADMIN_EMAIL). It does not manage users afterwards: `../users/`.
 */
import { createRouter, type ModuleRoutes, type PolicyRule } from '../../http/index.js'
import { registerCompleteSetup } from './routes/complete-setup.js'
import { registerGetSetup } from './routes/get-setup.js'
import type { AdminSetup } from './setup-service.js'

export { createAdminSetup, type AdminSetup, type AdminSetupDeps } from './setup-service.js'

/**
 * Public: the dashboard asks before anyone can sign in, and the POST's credential is the token
 * (256 bits, checked before any other work), so the per-IP limit that public routes skip is not
 * what protects it.
 */
const SETUP_POLICIES: PolicyRule[] = [{ methods: ['GET', 'POST'], path: '/setup', policy: { public: true } }]

export function adminSetupRouter(setup: AdminSetup, options: { trustProxy: boolean }): ModuleRoutes {
  const router = createRouter()
  registerGetSetup(router, setup)
  registerCompleteSetup(router, setup, options.trustProxy)
  return { router, policies: SETUP_POLICIES }
}
