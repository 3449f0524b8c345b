/**
 * Who may use /admin/v1: the service key (role service_role), or a signed-in user whose account
 * has better-auth's admin role. The token's `user_role` claim is only a hint: the account is read
 * again, so a user demoted, banned or signed out since the token was minted is refused at once
 * rather than when the token expires.
 */
import type { MiddlewareHandler } from 'hono'
import type pg from 'pg'
import { isLiveAdminSession } from '../auth/index.js'
import { ApiError } from '../errors/index.js'
import type { AppEnv } from '../http/index.js'
import { UUID } from '../uuid.js'


export function requireAdmin(pool: pg.Pool): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const identity = c.var.identity
    if (identity?.role === 'service_role') return next()
    if (!identity || identity.via !== 'jwt' || identity.role === 'anon') {
      throw new ApiError('UNAUTHENTICATED', {
        details: 'The admin API needs the service key or an admin user\'s access token',
        headers: { 'WWW-Authenticate': 'Bearer' },
      })
    }
    const { sub, session_id: sessionId, user_role: userRole } = identity.claims
    if (userRole !== 'admin' || typeof sub !== 'string' || !UUID.test(sub) || typeof sessionId !== 'string' || !UUID.test(sessionId)) {
      throw new ApiError('FORBIDDEN', { details: 'Only admins may use the admin API' })
    }
    if (!(await isLiveAdminSession(pool, sub, sessionId))) {
      throw new ApiError('FORBIDDEN', {
        details: 'Only admins may use the admin API',
        hint: 'An admin with a second factor (TOTP) must verify it in this session (aal2)',
      })
    }
    return next()
  }
}
