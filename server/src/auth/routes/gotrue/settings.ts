import { createRoute, z } from '@hono/zod-openapi'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'

const Settings = z
  .object({
    external: z.record(z.string(), z.boolean()),
    disable_signup: z.boolean(),
    mailer_autoconfirm: z.boolean(),
    phone_autoconfirm: z.boolean(),
    sms_provider: z.string(),
    saml_enabled: z.boolean(),
  })
  .openapi('GoTrueSettings')

/** GoTrue's `GET /settings`: which sign-in methods this instance offers. */
export const settingsRoute = createRoute({
  method: 'get',
  path: '/settings',
  operationId: 'auth.settings',
  summary: "This instance's auth settings: providers, sign-up, autoconfirm (GoTrue)",
  responses: { 200: { description: 'The enabled providers and sign-up settings', content: { 'application/json': { schema: Settings } } } },
})

export function registerSettings(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(settingsRoute, (c) => c.json(d.gotrue.settings(), 200))
}
