/**
 * HTTP plumbing shared by every module: the router factory (zod failures → 400 in the shared
 * shape), error response declarations, request context (id + logger), client IP and rate limits.
 */
export { createRouter, errorResponses, ErrorBodySchema, type Router } from './create-router.js'
export type { AppEnv } from './context.js'
export { requestContext } from './request-context.js'
export { rateLimit, type RateLimitOptions } from './rate-limit.js'
export { clientIp } from './client-ip.js'
export { preparedResponseHeaders } from './response-headers.js'
export { readBodyText } from './read-body.js'
