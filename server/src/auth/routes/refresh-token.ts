import { createRoute, z } from '@hono/zod-openapi'
import { ApiError } from '../../errors/index.js'
import { errorResponses, type Router } from '../../http/index.js'
import type { AuthService } from '../auth-service.js'

const RefreshBody = z
  .object({
    refresh_token: z.string().min(1).max(512).optional().openapi({
      description: 'The session token from sign-in. Omitted: the session cookie (after a magic link or OAuth redirect).',
    }),
  })
  .openapi('RefreshTokenBody')

const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int(),
    expires_at: z.number().int(),
    refresh_token: z.string(),
    user: z.object({
      id: z.string().uuid(),
      email: z.string(),
      name: z.string(),
      email_verified: z.boolean(),
      role: z.string().nullable(),
      is_anonymous: z.boolean(),
      created_at: z.string(),
    }),
  })
  .openapi('TokenResponse')

/** Supabase's `POST /auth/v1/token?grant_type=refresh_token`, so its clients refresh unchanged. */
export const refreshTokenRoute = createRoute({
  method: 'post',
  path: '/token',
  operationId: 'auth.refreshToken',
  request: {
    query: z.object({ grant_type: z.literal('refresh_token') }),
    body: { required: true, content: { 'application/json': { schema: RefreshBody } } },
  },
  responses: {
    200: { description: 'A new access token', content: { 'application/json': { schema: TokenResponse } } },
    ...errorResponses(400, 401, 429),
  },
})

export function registerRefreshToken(router: Router, auth: AuthService) {
  router.openapi(refreshTokenRoute, async (c) => {
    const { refresh_token: refreshToken } = c.req.valid('json')
    const cookie = c.req.header('cookie')
    if (!refreshToken && !cookie) throw new ApiError('INVALID_INPUT', { message: 'refresh_token is required', hint: 'Send the refresh_token from sign-in' })
    const grant = await auth.refresh(refreshToken ? { refreshToken } : { cookie: cookie! })
    return c.json(grant, 200)
  })
}
