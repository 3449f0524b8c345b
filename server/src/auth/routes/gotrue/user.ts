import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { Email, GoTrueUserSchema, Metadata, Password, RedirectQuery } from './schemas.js'

/** GoTrue's `GET /user`: the signed-in user (auth-js `getUser`, `getClaims` with a symmetric key). */
export const getUserRoute = createRoute({
  method: 'get',
  path: '/user',
  operationId: 'auth.getUser',
  summary: 'The signed-in user (GoTrue)',
  responses: {
    200: { description: 'The user', content: { 'application/json': { schema: GoTrueUserSchema } } },
    ...errorResponses(401, 403),
  },
})

const UpdateUserBody = z
  .object({
    email: Email.optional(),
    password: Password.optional(),
    data: Metadata.optional(),
    nonce: z.string().max(64).optional(),
    code_challenge: z.string().max(128).nullish(),
    code_challenge_method: z.string().max(16).nullish(),
  })
  .openapi('GoTrueUpdateUserBody')

/** GoTrue's `PUT /user`: metadata, password, or email (auth-js `updateUser`). */
export const updateUserRoute = createRoute({
  method: 'put',
  path: '/user',
  operationId: 'auth.updateUser',
  summary: "Change the signed-in user's email, password or metadata (GoTrue)",
  request: { query: RedirectQuery, body: { required: true, content: { 'application/json': { schema: UpdateUserBody } } } },
  responses: {
    200: { description: 'The user as changed', content: { 'application/json': { schema: GoTrueUserSchema } } },
    ...errorResponses(400, 401, 403, 422, 429),
  },
})

export function registerUser(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(getUserRoute, async (c) => c.json(await d.gotrue.getUser(c.var.identity), 200))
  router.openapi(updateUserRoute, async (c) => {
    const b = c.req.valid('json')
    const user = await d.gotrue.updateUser(c.var.identity, { email: b.email, password: b.password, data: b.data, redirectTo: c.req.valid('query').redirect_to })
    return c.json(user, 200)
  })
}
