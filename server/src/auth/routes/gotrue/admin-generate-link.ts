import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import { LINK_TYPES } from '../../gotrue/admin-links.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { Email, GoTrueUserSchema, Metadata, Password, RedirectQuery } from './schemas.js'

const GenerateLinkBody = z
  .object({
    type: z.enum(LINK_TYPES),
    email: Email,
    new_email: Email.nullish(),
    password: Password.nullish(),
    data: Metadata.nullish(),
    redirect_to: z.string().max(2048).nullish(),
    // auth-js spreads its options into the body too
    redirectTo: z.string().max(2048).nullish(),
  })
  .openapi('GoTrueGenerateLinkBody')

const GeneratedLink = GoTrueUserSchema.extend({
  action_link: z.string(),
  email_otp: z.string(),
  hashed_token: z.string(),
  verification_type: z.string(),
  redirect_to: z.string(),
}).openapi('GoTrueGeneratedLink')

/** GoTrue's `POST /admin/generate_link` (auth-js `admin.generateLink`): an email's link, code and token hash, unsent. */
export const generateLinkRoute = createRoute({
  method: 'post',
  path: '/admin/generate_link',
  operationId: 'auth.adminGenerateLink',
  summary: 'Generate a sign-up, magic link, recovery or invite link without sending it (GoTrue admin)',
  request: { query: RedirectQuery, body: { required: true, content: { 'application/json': { schema: GenerateLinkBody } } } },
  responses: {
    200: { description: 'The user and the link properties', content: { 'application/json': { schema: GeneratedLink } } },
    ...errorResponses(400, 401, 403, 404, 422),
  },
})

export function registerGenerateLink(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(generateLinkRoute, async (c) => {
    const b = c.req.valid('json')
    const out = await d.auth.admin.links.generateLink({
      type: b.type, email: b.email, newEmail: b.new_email ?? undefined, password: b.password ?? undefined, data: b.data ?? undefined,
      redirectTo: c.req.valid('query').redirect_to ?? b.redirect_to ?? b.redirectTo ?? undefined,
    })
    return c.json(out, 200)
  })
}
