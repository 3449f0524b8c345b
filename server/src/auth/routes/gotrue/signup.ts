import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { CodeChallenge, Email, GoTrueSessionSchema, GoTrueUserSchema, Metadata, Password, pkceOf, RedirectQuery, Security, metaOf } from './schemas.js'

const SignUpBody = z
  .object({ email: Email.optional(), password: Password.optional(), data: Metadata.optional(), ...CodeChallenge, ...Security })
  .openapi('GoTrueSignUpBody')

/** GoTrue's `POST /signup`: email + password, or neither for an anonymous user (auth-js `signUp`, `signInAnonymously`). */
export const signUpRoute = createRoute({
  method: 'post',
  path: '/signup',
  operationId: 'auth.signUp',
  summary: 'Sign up with email and password (GoTrue)',
  request: { query: RedirectQuery, body: { required: true, content: { 'application/json': { schema: SignUpBody } } } },
  responses: {
    200: {
      description: 'A session (no confirmation needed, or anonymous) or the new user waiting for confirmation',
      content: { 'application/json': { schema: z.union([GoTrueSessionSchema, GoTrueUserSchema]) } },
    },
    ...errorResponses(400, 422, 429),
  },
})

export function registerSignUp(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(signUpRoute, async (c) => {
    const b = c.req.valid('json')
    const out = await d.gotrue.signUp(
      { email: b.email, password: b.password, data: b.data, redirectTo: c.req.valid('query').redirect_to, pkce: pkceOf(b) },
      metaOf(c, d.trustProxy),
    )
    return c.json(out, 200)
  })
}
