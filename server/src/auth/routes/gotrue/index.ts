/**
 * GoTrue's routes under /auth/v1, the ones `@supabase/auth-js` calls, registered in one place with
 * their policies: errors in GoTrue's words everywhere; the emailed link public (a browser sends no
 * apikey), and so the OAuth start and end; the refresh public (its token is the credential, and the caller may hold only an
 * expired access token).
 */
import type { PolicyRule } from '../../../http/index.js'
import { ADMIN_POLICIES, registerAdmin } from './admin-routes.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { FACTOR_LIMITED_PATHS, FACTOR_POLICIES, registerFactors } from './factors-routes.js'
import { registerAuthorize } from './authorize.js'
import { registerLogout } from './logout.js'
import { registerOtp } from './otp.js'
import { registerRecover } from './recover.js'
import { registerResend } from './resend.js'
import { registerSettings } from './settings.js'
import { registerSignUp } from './signup.js'
import { registerToken } from './token.js'
import { registerUser } from './user.js'
import { registerVerify } from './verify.js'

export type { GoTrueRouteDeps } from './deps.js'

const GOTRUE = { errors: 'gotrue' } as const
const GOTRUE_PUBLIC = { errors: 'gotrue', public: true } as const

export const GOTRUE_POLICIES: PolicyRule[] = [
  { methods: ['GET'], path: '/verify', policy: GOTRUE_PUBLIC },
  { methods: ['GET'], path: '/authorize', policy: GOTRUE_PUBLIC },
  { methods: ['GET'], path: '/callback', policy: GOTRUE_PUBLIC },
  { methods: ['POST'], path: '/token', policy: GOTRUE_PUBLIC },
  { methods: ['POST'], path: '/signup', policy: GOTRUE },
  { methods: ['POST'], path: '/verify', policy: GOTRUE },
  { methods: ['POST'], path: '/otp', policy: GOTRUE },
  { methods: ['POST'], path: '/recover', policy: GOTRUE },
  { methods: ['POST'], path: '/resend', policy: GOTRUE },
  { methods: ['POST'], path: '/logout', policy: GOTRUE },
  { methods: ['GET', 'PUT'], path: '/user', policy: GOTRUE },
  { methods: ['GET'], path: '/settings', policy: GOTRUE },
  ...FACTOR_POLICIES,
  ...ADMIN_POLICIES,
]

/** The POST routes under the auth abuse limits (per IP, per email in the body). */
export const GOTRUE_LIMITED_PATHS = ['/signup', '/token', '/otp', '/recover', '/resend', '/verify', ...FACTOR_LIMITED_PATHS]

export function registerGoTrue(router: GoTrueRouter, d: GoTrueRouteDeps): void {
  for (const register of [registerSignUp, registerToken, registerUser, registerLogout, registerOtp, registerVerify, registerRecover, registerResend, registerSettings, registerAuthorize, registerFactors, registerAdmin]) {
    register(router, d)
  }
}
