/**
 * HTTP plumbing shared by every module: the router factory (zod failures → 400 in the shared
 * shape), error response declarations, request context (id + logger), client IP and rate limits.
 */
export { createRouter, errorResponses, ErrorBodySchema, type Router } from './create-router.js'
export type { AppEnv } from './context.js'
export { requireIdentity, type Credentials, type Identity, type IdentityResolver } from './identity.js'
export { incomingRequestId, logRequest, requestContext } from './request-context.js'
export { errorOutcome, type ErrorOutcome } from './error-response.js'
export { createRateLimiter, rateLimit, rateLimitWith, type RateLimiter, type RateLimitOptions } from './rate-limit.js'
export { clientIp, clientIpFrom } from './client-ip.js'
export { preparedResponseHeaders, simpleResponseHeaders } from './response-headers.js'
export { readBodyText, readIncomingText } from './read-body.js'
export { chainFronts, createNodeServer, type FrontHandler } from './node-server.js'
export { headerOf, serveFast, withoutTrailingSlash, type FastPathOptions, type FastResponse, type FastRoute } from './fast-path.js'
