/**
 * Users for admins: list, search, create, ban and unban, delete, sessions and their revocation
 * (through better-auth's admin plugin), and the development email outbox.
 */
import type { Router } from '../../http/index.js'
import type { AdminRouterDeps } from '../router.js'

export function registerUserRoutes(_router: Router, _deps: AdminRouterDeps): void {}
