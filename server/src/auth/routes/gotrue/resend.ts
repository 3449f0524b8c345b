import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { Email, RedirectQuery, Security } from './schemas.js'

const ResendBody = z.object({ type: z.enum(['signup', 'email_change']), email: Email, ...Security }).openapi('GoTrueResendBody')

/** GoTrue's `POST /resend`: the sign-up confirmation or email-change email again (auth-js `resend`). */
export const resendRoute = createRoute({
  method: 'post',
  path: '/resend',
  operationId: 'auth.resend',
  summary: 'Send a sign-up confirmation or email change code again (GoTrue)',
  request: { query: RedirectQuery, body: { required: true, content: { 'application/json': { schema: ResendBody } } } },
  responses: { 200: { description: 'Sent if there is something to confirm', content: { 'application/json': { schema: z.object({}) } } }, ...errorResponses(400, 429) },
})

export function registerResend(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(resendRoute, async (c) => {
    const b = c.req.valid('json')
    await d.flows.resend(b.type, b.email, c.req.valid('query').redirect_to)
    return c.json({}, 200)
  })
}
