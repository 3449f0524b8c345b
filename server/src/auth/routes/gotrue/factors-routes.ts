/**
 * GoTrue's MFA routes (`/factors`), what auth-js `mfa.*` calls with the user's access token:
 * enroll, challenge, verify, unenroll. listFactors and getAuthenticatorAssuranceLevel read the
 * user (`GET /user`) and the token's aal/amr claims, so they need no route of their own.
 */
import type { PolicyRule } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { registerChallengeFactor } from './factors-challenge.js'
import { registerEnrollFactor } from './factors-enroll.js'
import { registerUnenrollFactor } from './factors-unenroll.js'
import { registerVerifyFactor } from './factors-verify.js'

const GOTRUE = { errors: 'gotrue' } as const

export const FACTOR_POLICIES: PolicyRule[] = [
  { methods: ['POST'], path: '/factors', policy: GOTRUE },
  { methods: ['POST'], path: '/factors/:factorId/challenge', policy: GOTRUE },
  { methods: ['POST'], path: '/factors/:factorId/verify', policy: GOTRUE },
  { methods: ['DELETE'], path: '/factors/:factorId', policy: GOTRUE },
]

/** A six-digit code can be guessed: verify (and challenge) count against the auth limits per IP. */
export const FACTOR_LIMITED_PATHS = ['/factors/:factorId/challenge', '/factors/:factorId/verify']

export function registerFactors(router: GoTrueRouter, d: GoTrueRouteDeps): void {
  for (const register of [registerEnrollFactor, registerChallengeFactor, registerVerifyFactor, registerUnenrollFactor]) register(router, d)
}
