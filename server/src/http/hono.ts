/**
 * The pipeline (pipeline.ts) as Hono middleware, for every route of the app (and for app.request
 * in tests), and the Hono registration of a direct route. Holds no step of its own: each stage is
 * the pipeline's, run with what a Hono context offers.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { matchedRoutes } from 'hono/route'
import type { StatusCode } from 'hono/utils/http-status'
import { ApiError } from '../errors/index.js'
import { peerAddress } from './client-ip.js'
import type { AppEnv } from './context.js'
import type { AdmissionRequest, Pipeline, SetHeaders } from './pipeline.js'
import { readBodyBytes, readBodyText } from './read-body.js'
import type { DirectRoute, RouteTable } from './routes.js'

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Two middlewares, registered first and in this order: `open` (id, logger, headers, preflight,
 * access log) wraps `admit` (limits, body limit, identity, deadline), so the access log sees the
 * status of an error that admission or the route raised (the app's onError answers it).
 */
export function pipelineMiddleware(p: Pipeline, table: RouteTable): [open: MiddlewareHandler<AppEnv>, admit: MiddlewareHandler<AppEnv>] {
  const open: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now()
    const self = c.req.routeIndex
    const origin = c.req.header('origin')
    const { requestId, headers } = p.open(c.req.header('x-request-id'), origin)
    const log = p.log.child({ reqId: requestId })
    c.set('requestId', requestId)
    c.set('log', log)
    c.header('X-Request-Id', requestId)
    if (c.req.method === 'OPTIONS') {
      const preflight = new Headers({ 'X-Request-Id': requestId })
      for (const [name, value] of p.preflight(origin)) preflight.set(name, value)
      c.res = new Response(null, { status: 204, headers: preflight })
    } else {
      for (const [name, value] of headers) c.header(name, value)
      await next()
      // A route that returned its own Response (better-auth, a streamed object) bypassed the
      // headers set above: copy it once with them.
      if (!c.res.headers.has('x-request-id')) {
        const res = new Response(c.res.body, c.res)
        for (const [name, value] of [['X-Request-Id', requestId] as const, ...headers]) res.headers.set(name, value)
        c.res = res
      }
    }
    p.finish(() => log, { method: c.req.method, path: c.req.path, route: answeringRoute(c, self), status: c.res.status, started, role: c.var.identity?.role })
  }

  const limitBody = bodyLimit({
    maxSize: p.bodyLimit,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', { details: `The limit is ${p.bodyLimit} bytes`, hint: 'Send a smaller body' })
    },
  })
  const admit: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { policy } = table.match(c.req.method, c.req.path)
    const set: SetHeaders = (entries) => {
      for (const [name, value] of entries) c.header(name, value)
    }
    const req: AdmissionRequest = { header: (name) => c.req.header(name), queryApikey: () => c.req.query('apikey'), peer: () => peerAddress(c) }
    await p.deadline(policy, async () => {
      await p.limitIp(policy, req, set)
      const rest = async () => {
        const identity = await p.identify(policy, req)
        if (identity) c.set('identity', identity)
        await p.limitUser(identity, set)
        await next()
      }
      // Only where a body is expected and the route does not read its own: asking a GET for its
      // body makes the Node adapter build a fetch Request for nothing.
      await (BODYLESS_METHODS.has(c.req.method) || policy.ownsBody ? rest() : limitBody(c, rest))
    })
  }
  return [open, admit]
}

/**
 * The template of the route that answered (a handler, or a module's middleware that refused);
 * for a request answered by the pipeline itself (a preflight, a refusal in admission), the first
 * route after it that matched, which would have answered. `/*` (the pipeline's own): none matched.
 */
function answeringRoute(c: Context<AppEnv>, open: number): string {
  const routes = matchedRoutes(c)
  const admit = open + 1
  return (c.req.routeIndex > admit ? routes[c.req.routeIndex] : routes[admit + 1] ?? routes[open])?.path ?? ''
}

/** Registers a direct route on a module's Hono router (the Node front end serves it without Hono). */
export function registerDirect(router: { on: (methods: string[], path: string, handler: MiddlewareHandler<AppEnv>) => unknown }, route: DirectRoute): void {
  router.on([...route.methods], route.path, async (c) => {
    const url = new URL(c.req.url)
    const out = await route.serve(
      { method: c.req.method, pathname: url.pathname, search: url.search, params: c.req.param(), headers: c.req.raw.headers, readBody: (limit) => readBodyText(c, limit), readBytes: (limit) => readBodyBytes(c, limit) },
      c.var.identity,
    )
    // The route's Vary joins the pipeline's (Origin) rather than replacing it.
    const headers = { ...out.headers }
    for (const name of Object.keys(headers)) {
      const value = headers[name]
      if (name.toLowerCase() === 'vary' && typeof value === 'string') {
        delete headers[name]
        c.header('Vary', value, { append: true })
      }
    }
    return c.newResponse(out.body, out.status as StatusCode, headers)
  })
}
