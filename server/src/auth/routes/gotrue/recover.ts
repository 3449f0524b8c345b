import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { CodeChallenge, Email, pkceOf, RedirectQuery, Security } from './schemas.js'

const RecoverBody = z.object({ email: Email, ...CodeChallenge, ...Security }).openapi('GoTrueRecoverBody')

/** GoTrue's `POST /recover`: emails a recovery link and code (auth-js `resetPasswordForEmail`); the same answer for any address. */
export const recoverRoute = createRoute({
  method: 'post',
  path: '/recover',
  operationId: 'auth.recover',
  summary: 'Send a password reset email (GoTrue)',
  request: { query: RedirectQuery, body: { required: true, content: { 'application/json': { schema: RecoverBody } } } },
  responses: { 200: { description: 'Sent if the address has an account', content: { 'application/json': { schema: z.object({}) } } }, ...errorResponses(400, 429) },
})

export function registerRecover(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(recoverRoute, async (c) => {
    const b = c.req.valid('json')
    await d.flows.recover(b.email, c.req.valid('query').redirect_to, pkceOf(b))
    return c.json({}, 200)
  })
}
