import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'

const EnrollBody = z
  .object({
    factor_type: z.string().min(1).max(32),
    friendly_name: z.string().max(200).nullish(),
    issuer: z.string().max(200).nullish(),
    phone: z.string().max(32).nullish(),
  })
  .openapi('GoTrueEnrollFactorBody')

const Enrolled = z
  .object({
    id: z.string(),
    type: z.literal('totp'),
    friendly_name: z.string(),
    totp: z.object({ qr_code: z.string(), secret: z.string(), uri: z.string() }),
  })
  .openapi('GoTrueEnrolledFactor')

/** GoTrue's `POST /factors`: a new unverified TOTP factor (auth-js `mfa.enroll`). */
export const enrollFactorRoute = createRoute({
  method: 'post',
  path: '/factors',
  operationId: 'auth.enrollFactor',
  summary: 'Enroll a TOTP factor for multi-factor sign-in (GoTrue)',
  request: { body: { required: true, content: { 'application/json': { schema: EnrollBody } } } },
  responses: {
    200: { description: 'The factor, its secret, otpauth:// URI and QR code (SVG)', content: { 'application/json': { schema: Enrolled } } },
    ...errorResponses(400, 401, 403, 422),
  },
})

export function registerEnrollFactor(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(enrollFactorRoute, async (c) => {
    const b = c.req.valid('json')
    const factor = await d.auth.mfa.enroll(c.var.identity, { factorType: b.factor_type, friendlyName: b.friendly_name ?? undefined, issuer: b.issuer ?? undefined })
    return c.json(factor, 200)
  })
}
