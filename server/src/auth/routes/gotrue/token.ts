import { createRoute, z } from '@hono/zod-openapi'
import { ApiError } from '../../../errors/index.js'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { Email, GoTrueSessionSchema, Password, Security, metaOf } from './schemas.js'

const TokenBody = z
  .object({
    email: Email.optional(),
    password: Password.optional(),
    refresh_token: z.string().min(1).max(512).optional(),
    auth_code: z.string().min(1).max(512).optional(),
    code_verifier: z.string().min(43).max(128).optional(),
    ...Security,
  })
  .openapi('GoTrueTokenBody')

const GRANTS = ['password', 'refresh_token', 'pkce'] as const

/**
 * GoTrue's `POST /token`: sign in with a password, refresh (the refresh token rotates; a session
 * cookie from a magic link or OAuth redirect also refreshes), or exchange a PKCE auth code.
 */
export const tokenRoute = createRoute({
  method: 'post',
  path: '/token',
  operationId: 'auth.token',
  summary: 'Sign in or refresh: grant_type password, refresh_token or pkce (GoTrue)',
  request: {
    query: z.object({ grant_type: z.string().max(64) }),
    body: { required: true, content: { 'application/json': { schema: TokenBody } } },
  },
  responses: {
    200: { description: 'A session', content: { 'application/json': { schema: GoTrueSessionSchema } } },
    ...errorResponses(400, 403, 404, 429),
  },
})

export function registerToken(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(tokenRoute, async (c) => {
    const grant = c.req.valid('query').grant_type
    const b = c.req.valid('json')
    const meta = metaOf(c, d.trustProxy)
    switch (grant as (typeof GRANTS)[number]) {
      case 'password':
        if (!b.email || b.password === undefined) throw new ApiError('validation_failed', { message: 'An email address and a password are required' })
        return c.json(await d.gotrue.signInWithPassword(b.email, b.password, meta), 200)
      case 'refresh_token': {
        if (b.refresh_token) return c.json(await d.gotrue.sessions.refresh(b.refresh_token), 200)
        const cookie = c.req.header('cookie')
        if (!cookie) throw new ApiError('validation_failed', { message: 'refresh_token required' })
        return c.json(await d.auth.refreshFromCookie(cookie), 200)
      }
      case 'pkce':
        if (!b.auth_code || !b.code_verifier) throw new ApiError('validation_failed', { message: 'invalid request: both auth code and code verifier should be non-empty' })
        return c.json(await d.gotrue.exchangeCode(b.auth_code, b.code_verifier, meta), 200)
      default:
        throw new ApiError('validation_failed', {
          message: `Unsupported grant_type "${grant.slice(0, 64)}"`,
          hint: `Use one of: ${GRANTS.join(', ')}`,
        })
    }
  })
}
