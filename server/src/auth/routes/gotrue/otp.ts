import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { CodeChallenge, Email, Metadata, pkceOf, RedirectQuery, Security } from './schemas.js'

const OtpBody = z
  .object({ email: Email, create_user: z.boolean().default(true), data: Metadata.optional(), ...CodeChallenge, ...Security })
  .openapi('GoTrueOtpBody')

/** GoTrue's `POST /otp`: emails a sign-in link and code (auth-js `signInWithOtp`). */
export const otpRoute = createRoute({
  method: 'post',
  path: '/otp',
  operationId: 'auth.sendOtp',
  summary: 'Send a one-time code or magic link by email (GoTrue)',
  request: { query: RedirectQuery, body: { required: true, content: { 'application/json': { schema: OtpBody } } } },
  responses: { 200: { description: 'Sent', content: { 'application/json': { schema: z.object({}) } } }, ...errorResponses(400, 422, 429) },
})

export function registerOtp(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(otpRoute, async (c) => {
    const b = c.req.valid('json')
    await d.flows.sendOtp({ email: b.email, createUser: b.create_user, data: b.data, redirectTo: c.req.valid('query').redirect_to, pkce: pkceOf(b) })
    return c.json({}, 200)
  })
}
