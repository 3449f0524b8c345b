/**
 * Dashboard: serves the admin app's build (`dashboard/dist`, made at `pnpm install`) at
 * `/dashboard/` with a restrictive Content-Security-Policy, its SPA fallback, and
 * `/dashboard/config.json` (this instance's URL and anon key, public by design). Every route is
 * public: the app signs in through /auth/v1 and calls /admin/v1, which decide. It owns no data.
 */
export { dashboardRouter, DEFAULT_DIST_DIR, type DashboardRouterDeps } from './router.js'
export { createAnonKeyReader } from './anon-key.js'
