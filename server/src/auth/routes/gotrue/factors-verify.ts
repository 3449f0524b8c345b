import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { FactorParams, Uuid } from './factors-schemas.js'
import { GoTrueSessionSchema, metaOf } from './schemas.js'

const VerifyBody = z.object({ challenge_id: Uuid, code: z.string().min(1).max(16) }).openapi('GoTrueVerifyFactorBody')

/** GoTrue's `POST /factors/{factorId}/verify`: the code of a challenge → the session at aal2 (auth-js `mfa.verify`). */
export const verifyFactorRoute = createRoute({
  method: 'post',
  path: '/factors/{factorId}/verify',
  operationId: 'auth.verifyFactor',
  summary: "Answer a factor's challenge with its code; raises the session to aal2 (GoTrue)",
  request: { params: FactorParams, body: { required: true, content: { 'application/json': { schema: VerifyBody } } } },
  responses: {
    200: { description: 'The session, now aal2', content: { 'application/json': { schema: GoTrueSessionSchema } } },
    ...errorResponses(400, 401, 403, 404, 422, 429),
  },
})

export function registerVerifyFactor(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(verifyFactorRoute, async (c) => {
    const b = c.req.valid('json')
    const session = await d.auth.mfa.verify(c.var.identity, c.req.valid('param').factorId, { challengeId: b.challenge_id, code: b.code }, metaOf(c, d.trustProxy).ip)
    return c.json(session, 200)
  })
}
