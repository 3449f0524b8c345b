import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { metaOf } from './schemas.js'
import { FactorParams } from './factors-schemas.js'

const Challenge = z.object({ id: z.string(), type: z.literal('totp'), expires_at: z.number().int() }).openapi('GoTrueChallenge')

/** GoTrue's `POST /factors/{factorId}/challenge`: a challenge to answer within 300 s (auth-js `mfa.challenge`). */
export const challengeFactorRoute = createRoute({
  method: 'post',
  path: '/factors/{factorId}/challenge',
  operationId: 'auth.challengeFactor',
  summary: 'Open a challenge for an enrolled factor (GoTrue)',
  // auth-js sends its own arguments ({ factorId }) as the body; GoTrue reads only `channel` (phone).
  request: { params: FactorParams },
  responses: {
    200: { description: 'The challenge', content: { 'application/json': { schema: Challenge } } },
    ...errorResponses(400, 401, 403, 404, 429),
  },
})

export function registerChallengeFactor(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(challengeFactorRoute, async (c) => {
    const challenge = await d.auth.mfa.challenge(c.var.identity, c.req.valid('param').factorId, metaOf(c, d.trustProxy).ip)
    return c.json(challenge, 200)
  })
}
