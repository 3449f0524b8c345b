import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, type ModuleRoutes } from '../http/index.js'

export type CheckStatus = 'ok' | 'error' | 'disabled'
export interface CheckResult {
  status: CheckStatus
  latency_ms?: number
  message?: string
}
/** A dependency check; `required` ones make /ready answer 503 when they fail. */
export interface ReadinessCheck {
  name: string
  required: boolean
  run(): Promise<CheckResult>
}

const Check = z
  .object({
    status: z.enum(['ok', 'error', 'disabled']),
    latency_ms: z.number().optional(),
    message: z.string().optional(),
  })
  .openapi('ReadinessCheck')

const Ready = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), Check) }).openapi('Readiness')

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'platform.health',
  summary: 'The process is alive',
  tags: ['Platform'],
  responses: {
    200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } },
  },
})

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  operationId: 'platform.ready',
  summary: 'Each dependency checked and reported',
  tags: ['Platform'],
  responses: {
    200: { description: 'Ready to serve', content: { 'application/json': { schema: Ready } } },
    503: { description: 'A required dependency is down', content: { 'application/json': { schema: Ready } } },
  },
})

const CHECK_TIMEOUT_MS = 2_000

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'error', message: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS)
  })
  try {
    return await Promise.race([
      check.run().catch((err: unknown) => ({ status: 'error' as const, message: err instanceof Error ? err.message : 'failed' })),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** Probes answer without credentials. */
const PROBE = { public: true } as const

export function healthRouter(checks: ReadinessCheck[]): ModuleRoutes {
  const router = createRouter()
  router.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200))
  router.openapi(readyRoute, async (c) => {
    const results = await Promise.all(checks.map(async (ch) => [ch, await runCheck(ch)] as const))
    const ok = results.every(([ch, r]) => !ch.required || r.status === 'ok')
    const body = { status: ok ? ('ok' as const) : ('unavailable' as const), checks: Object.fromEntries(results.map(([ch, r]) => [ch.name, r])) }
    return ok ? c.json(body, 200) : c.json(body, 503)
  })
  return {
    router,
    policies: [
      { methods: 'ALL', path: '/health', policy: PROBE },
      { methods: 'ALL', path: '/ready', policy: PROBE },
    ],
  }
}
