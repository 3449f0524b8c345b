import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../../http/index.js'
import type { AuthService } from '../auth-service.js'

const RefreshBody = z
  .object({ refresh_token: z.string().min(1).max(512) })
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
    const grant = await auth.refresh(c.req.valid('json').refresh_token)
    return c.json(grant, 200)
  })
}
