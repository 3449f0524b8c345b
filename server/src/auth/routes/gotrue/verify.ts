import { createRoute, z } from '@hono/zod-openapi'
import { ApiError } from '../../../errors/index.js'
import { errorResponses } from '../../../http/index.js'
import type { VerifyType } from '../../gotrue/one-time-codes.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { Email, GoTrueSessionSchema, RedirectQuery, Security, metaOf } from './schemas.js'

const Type = z.enum(['signup', 'invite', 'magiclink', 'recovery', 'email_change', 'email'])
const TokenHash = z.string().min(1).max(128)

const VerifyBody = z
  .object({ type: Type, email: Email.optional(), token: z.string().min(1).max(64).optional(), token_hash: TokenHash.optional(), ...Security })
  .openapi('GoTrueVerifyBody')

/** GoTrue's `POST /verify`: an emailed code (with its email) or token hash → a session (auth-js `verifyOtp`). */
export const verifyRoute = createRoute({
  method: 'post',
  path: '/verify',
  operationId: 'auth.verify',
  summary: 'Verify a one-time code or token hash and start a session (GoTrue)',
  request: { query: RedirectQuery, body: { required: true, content: { 'application/json': { schema: VerifyBody } } } },
  responses: { 200: { description: 'A session', content: { 'application/json': { schema: GoTrueSessionSchema } } }, ...errorResponses(400, 403, 429) },
})

/** GoTrue's `GET /verify`: the link in the email; redirects with the session (or `?code=` under PKCE, or the error). */
export const verifyLinkRoute = createRoute({
  method: 'get',
  path: '/verify',
  operationId: 'auth.verifyLink',
  summary: 'Open an emailed link: verify its token and redirect with the session (GoTrue)',
  request: { query: RedirectQuery.extend({ token: TokenHash, type: Type }) },
  responses: { 303: { description: 'To redirect_to (or PUBLIC_URL) with the outcome' }, ...errorResponses(400) },
})

export function registerVerify(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(verifyRoute, async (c) => {
    const b = c.req.valid('json')
    const type: VerifyType = b.type
    const meta = metaOf(c, d.trustProxy)
    if (b.token_hash) return c.json(await d.flows.verify({ type, tokenHash: b.token_hash }, meta), 200)
    if (!b.email || !b.token) throw new ApiError('validation_failed', { message: 'Verify requires either a token_hash, or an email and a token' })
    return c.json(await d.flows.verify({ type, email: b.email, token: b.token }, meta), 200)
  })
  router.openapi(verifyLinkRoute, async (c) => {
    const q = c.req.valid('query')
    const to = await d.flows.verifyLink(q.token, q.type, q.redirect_to, metaOf(c, d.trustProxy))
    return c.redirect(to, 303)
  })
}
