/**
 * GET /metrics: the registry in Prometheus' text format, for the service key (as the apikey header
 * or the bearer, like every service-key route) or METRICS_TOKEN (a scraper's own secret, compared
 * in constant time, so a Prometheus config need not hold the key that bypasses every rule).
 * Anything else is the usual 401 body. The route is public to the pipeline (no identity resolved
 * before it runs), since a METRICS_TOKEN bearer is neither a JWT nor a key and the pipeline
 * would refuse it; the route resolves the service key itself through the same resolver.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createRoute, z } from '@hono/zod-openapi'
import { ApiError } from '../errors/index.js'
import { createRouter, errorResponses, type IdentityResolver, type ModuleRoutes } from '../http/index.js'
import type { Metrics } from './create-metrics.js'

export interface MetricsRouterDeps {
  metrics: Metrics
  resolveIdentity: IdentityResolver
  /** METRICS_TOKEN; undefined: the service key only. */
  token: string | undefined
}

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'platform.metrics',
  summary: 'Prometheus metrics (service key or METRICS_TOKEN)',
  tags: ['Platform'],
  responses: {
    200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: z.string() } } },
    ...errorResponses(401),
  },
})

const digest = (s: string) => createHash('sha256').update(s).digest()

/** Equal-length digests, so neither the comparison nor its length check tells how much matched. */
function sameSecret(given: string | undefined, expected: Buffer | undefined): boolean {
  return given !== undefined && expected !== undefined && timingSafeEqual(digest(given), expected)
}

export function metricsRouter(deps: MetricsRouterDeps): ModuleRoutes {
  const token = deps.token === undefined ? undefined : digest(deps.token)
  const isAllowed = async (authorization: string | undefined, apikey: string | undefined, asRole: string | undefined): Promise<boolean> => {
    const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1]
    if (sameSecret(bearer, token) || sameSecret(apikey, token)) return true
    if (apikey === undefined && authorization === undefined) return false
    const identity = await deps.resolveIdentity({ apikey, authorization, asRole }).catch(() => undefined)
    return identity?.role === 'service_role'
  }
  const router = createRouter()
  router.openapi(metricsRoute, async (c) => {
    if (!(await isAllowed(c.req.header('authorization'), c.req.header('apikey'), c.req.header('x-floe-role')))) {
      throw new ApiError('UNAUTHENTICATED', {
        details: 'GET /metrics needs the service key or METRICS_TOKEN',
        hint: 'Send Authorization: Bearer <METRICS_TOKEN>',
        headers: { 'WWW-Authenticate': 'Bearer' },
      })
    }
    return c.text(await deps.metrics.render(), 200, { 'Content-Type': deps.metrics.contentType })
  })
  return { router, policies: [{ methods: 'ALL', path: '/metrics', policy: { public: true } }] }
}
