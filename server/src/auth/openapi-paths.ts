/**
 * `/openapi.json` entries for the auth routes that are not zod-openapi routes: better-auth's
 * endpoints (served by the router's catch-all, so listed from the instance's own endpoint table:
 * the plugins this configuration turned on, nothing else) and the emailed reset link.
 * better-auth's own OpenAPI fragments name schemas this document does not have, so only their
 * words (summary, description) are taken.
 */
import { z, type RouteConfig } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../http/index.js'

interface EndpointMeta {
  SERVER_ONLY?: boolean
  isAction?: boolean
  openapi?: { summary?: string; description?: string }
}
interface Endpoint {
  path?: unknown
  options?: { method?: unknown; metadata?: EndpointMeta }
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete']

/** An endpoint a client can call over HTTP: a path, and not marked server-only. */
export function httpEndpoints(api: Readonly<Record<string, unknown>>): { key: string; path: string; methods: Method[]; meta: EndpointMeta }[] {
  return Object.entries(api).flatMap(([key, value]) => {
    const e = value as Endpoint
    const meta = e.options?.metadata ?? {}
    if (typeof e.path !== 'string' || !e.path.startsWith('/') || meta.SERVER_ONLY || meta.isAction === false) return []
    const declared = ([] as unknown[]).concat(e.options?.method ?? 'GET')
    const methods = declared.includes('*') ? (['get', 'post'] as Method[]) : METHODS.filter((m) => declared.some((d) => typeof d === 'string' && d.toLowerCase() === m))
    return [{ key, path: e.path, methods, meta }]
  })
}

/** The first sentence of better-auth's words, as a summary. */
function summaryOf(meta: EndpointMeta, path: string): string {
  const text = (meta.openapi?.summary ?? meta.openapi?.description ?? '').trim()
  const first = text.split(/(?<=\.)\s/)[0]?.replace(/\.$/, '')
  return first ? `${first} (better-auth)` : `better-auth ${path}`
}

/**
 * Registers better-auth's endpoints, except a method and path a route registered before the
 * catch-all already answers (GoTrue's, Floe's own): `served` lists those as `METHOD /path`.
 */
export function documentAuthRoutes(router: Router, api: Readonly<Record<string, unknown>>, served: ReadonlySet<string>): void {
  router.openAPIRegistry.registerPath({
    method: 'get',
    path: '/reset-password',
    operationId: 'auth.openResetLink',
    summary: 'Open an emailed password reset link (redirects to the app with the token)',
    tags: ['Auth'],
    security: [],
    request: { query: z.object({ token: z.string().openapi({ description: 'The token from the email' }) }) },
    responses: { 302: { description: 'To the callback URL, with the token' }, ...errorResponses(400) },
  })
  for (const { key, path, methods, meta } of httpEndpoints(api)) {
    const openApiPath = path.replace(/:([A-Za-z_]\w*)/g, '{$1}')
    const params = [...path.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1]!)
    for (const method of methods) {
      if (served.has(`${method.toUpperCase()} ${path}`)) continue
      const route: RouteConfig = {
        method,
        path: openApiPath,
        operationId: `auth.betterAuth.${key}${methods.length > 1 ? method.toUpperCase() : ''}`,
        summary: summaryOf(meta, path),
        ...(meta.openapi?.description ? { description: meta.openapi.description } : {}),
        tags: ['Auth (better-auth)'],
        ...(params.length > 0 ? { request: { params: z.object(Object.fromEntries(params.map((p) => [p, z.string().openapi({ param: { name: p, in: 'path' } })]))) } } : {}),
        responses: { 200: { description: "better-auth's answer" }, 302: { description: 'A redirect (links and OAuth)' }, ...errorResponses(400, 401, 403, 404, 429) },
      }
      router.openAPIRegistry.registerPath(route)
    }
  }
}
