/**
 * HTTP: the one request pipeline (request id, secure and CORS headers, rate limits, body limit,
 * identity, timeout, error body, access log) and its two adapters (Hono middleware; the Node
 * front end for direct routes), the route table modules declare their policies in, the Identity
 * every module is handed, and the router factory (zod failures → 400 in the shared shape).
 * It does not verify credentials: it is handed an IdentityResolver (auth builds it).
 */
export { createRouter, errorResponses, ErrorBodySchema, type Router } from './create-router.js'
export type { AppEnv } from './context.js'
export { requireIdentity, type Credentials, type Identity, type IdentityResolver } from './identity.js'
export { rateLimit, type RateLimitOptions } from './rate-limit.js'
export { clientIp } from './client-ip.js'
export { createNodeServer, type FrontHandler, type UpgradeHandler } from './node-server.js'
export { createPipeline, type Pipeline } from './pipeline.js'
export { createRouteTable, type DirectRoute, type ModuleRoutes, type Mount, type PlainRequest, type PlainResponse, type PolicyRule, type RoutePolicy, type RouteTable, type UpgradeRoute } from './routes.js'
export { pipelineMiddleware, registerDirect } from './hono.js'
export { createNodeFront, createNodeUpgrade } from './node-front.js'
