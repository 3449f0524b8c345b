/**
 * GoTrue's admin API under /auth/v1, for the service role only (the service key, or a JWT whose
 * role is service_role): users, their factors, generate_link and invite. The role is checked
 * before the body is read, so another caller learns nothing from a validation error.
 * (better-auth's own /admin/* routes, for users whose role is admin, stay as they are.)
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv, PolicyRule } from '../../../http/index.js'
import { assertAdmin } from '../../gotrue/admin-users.js'
import { registerGenerateLink } from './admin-generate-link.js'
import { registerInvite } from './admin-invite.js'
import { registerDeleteUserFactor } from './admin-user-factor-delete.js'
import { registerListUserFactors } from './admin-user-factors-list.js'
import { registerDeleteUser } from './admin-user-delete.js'
import { registerGetUserById } from './admin-user-get.js'
import { registerUpdateUserById } from './admin-user-update.js'
import { registerCreateUser } from './admin-users-create.js'
import { registerListUsers } from './admin-users-list.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'

const GOTRUE = { errors: 'gotrue' } as const

export const ADMIN_POLICIES: PolicyRule[] = [
  { methods: ['GET', 'POST'], path: '/admin/users', policy: GOTRUE },
  { methods: ['GET', 'PUT', 'DELETE'], path: '/admin/users/:userId', policy: GOTRUE },
  { methods: ['GET'], path: '/admin/users/:userId/factors', policy: GOTRUE },
  { methods: ['DELETE'], path: '/admin/users/:userId/factors/:factorId', policy: GOTRUE },
  { methods: ['POST'], path: '/admin/generate_link', policy: GOTRUE },
  { methods: ['POST'], path: '/invite', policy: GOTRUE },
]

const ADMIN_PATHS = ['/admin/users', '/admin/users/*', '/admin/generate_link', '/invite']

const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  assertAdmin(c.var.identity)
  await next()
}

export function registerAdmin(router: GoTrueRouter, d: GoTrueRouteDeps): void {
  for (const path of ADMIN_PATHS) router.use(path, adminOnly)
  for (const register of [
    registerListUsers, registerCreateUser, registerGetUserById, registerUpdateUserById, registerDeleteUser,
    registerListUserFactors, registerDeleteUserFactor, registerGenerateLink, registerInvite,
  ]) register(router, d)
}
