/**
 * `/auth/v1`: Floe's token endpoint, the abuse limits, and everything else handed to better-auth,
 * whose error answers are turned into Floe's error shape on the way out.
 */
import type { Context } from 'hono'
import { every } from 'hono/combine'
import type { Redis } from 'ioredis'
import type { Config } from '../config.js'
import { ApiError } from '../errors/index.js'
import { clientIp, createRouter, type AppEnv, type ModuleRoutes, type PolicyRule } from '../http/index.js'
import type { Logger } from '../log.js'
import { apiErrorFromAuthResponse } from './auth-errors.js'
import { authRateLimits, LIMITED_AUTH_PATHS } from './auth-rate-limit.js'
import type { AuthService } from './auth-service.js'
import { AUTH_BASE_PATH, CLIENT_IP_HEADER } from './better-auth.js'
import { documentAuthRoutes } from './openapi-paths.js'
import { GOTRUE_LIMITED_PATHS, GOTRUE_POLICIES, registerGoTrue } from './routes/gotrue/index.js'

export interface AuthRouterDeps {
  auth: AuthService
  config: Readonly<Config>
  log: Logger
  redis?: Redis | undefined
}

/**
 * Routes reached without an API key: links opened from an email or an OAuth provider's redirect
 * (a browser sends no apikey), and the refresh, whose refresh token is the credential and whose
 * caller may hold only an expired access token.
 */
const PUBLIC = { public: true } as const
const AUTH_POLICIES: PolicyRule[] = [
  { methods: ['GET'], path: '/verify-email', policy: PUBLIC },
  { methods: ['GET'], path: '/reset-password', policy: PUBLIC },
  { methods: ['GET'], path: '/magic-link/verify', policy: PUBLIC },
  { methods: ['GET', 'POST'], path: '/callback/:provider{[a-z0-9-]+}', policy: PUBLIC },
  { methods: ['GET'], path: '/delete-user/callback', policy: PUBLIC },
  { methods: ['GET'], path: '/error', policy: PUBLIC },
  ...GOTRUE_POLICIES,
]

export function authRouter(deps: AuthRouterDeps): ModuleRoutes {
  const router = createRouter()
  const limits = authRateLimits(deps)
  if (limits.length > 0) {
    const limit = every(...limits)
    for (const path of [...LIMITED_AUTH_PATHS, ...GOTRUE_LIMITED_PATHS]) router.use(path, (c, next) => (c.req.method === 'POST' ? limit(c, next) : next()))
    // An email change through GoTrue's PUT /user sends mail: limited like better-auth's /change-email.
    router.use('/user', (c, next) => (c.req.method === 'PUT' ? limit(c, next) : next()))
  }
  registerGoTrue(router, { gotrue: deps.auth.gotrue, flows: deps.auth.flows, auth: deps.auth, trustProxy: deps.config.trustProxy })
  // The emailed reset link (token in the query, kept out of access logs) → better-auth's route.
  router.get('/reset-password', (c) => {
    const token = c.req.query('token') ?? ''
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(token)) throw new ApiError('INVALID_INPUT', { message: 'The reset link is incomplete' })
    const url = new URL(c.req.url)
    url.pathname = `${AUTH_BASE_PATH}/reset-password/${token}`
    url.searchParams.delete('token')
    return forward(c, deps, new Request(url, c.req.raw))
  })
  const served = new Set(router.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))
  documentAuthRoutes(router, deps.auth.betterAuth.api as unknown as Record<string, unknown>, served)
  router.all('/*', (c) => forward(c, deps, c.req.raw))
  return { router, policies: AUTH_POLICIES }
}

/** What a browser sends on its own to mark where a request came from (CSRF signals). */
const BROWSER_ORIGIN_HEADERS = ['origin', 'referer', 'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest']

/**
 * Hands the request to better-auth with the client IP Floe trusts, and with a Floe access token
 * swapped for its session's token so `Authorization: Bearer <access token>` works at better-auth's
 * session routes (sign-out, change password, admin...) as at the data API.
 *
 * better-auth's origin check guards browser cookies (and sign-in forms) against cross-site
 * requests. A request that carries no cookie and proved itself with an apikey or bearer HEADER
 * cannot have come from a cross-site form or link (neither can set a header), so its origin
 * signals are dropped: a server-side fetch (Node's sends `sec-fetch-mode`, no Origin) or an app
 * on another origin using keys is not refused. A key in the query string keeps the check.
 */
async function forward(c: Context<AppEnv>, deps: AuthRouterDeps, req: Request): Promise<Response> {
  const headers = new Headers(req.headers)
  headers.set(CLIENT_IP_HEADER, clientIp(c, deps.config.trustProxy))
  const keyedByHeader = headers.has('apikey') || /^Bearer\s/i.test(headers.get('authorization') ?? '')
  if (!headers.has('cookie') && keyedByHeader) for (const name of BROWSER_ORIGIN_HEADERS) headers.delete(name)
  const identity = c.var.identity
  if (identity?.via === 'jwt') {
    const sessionId = identity.claims.session_id
    const token = typeof sessionId === 'string' ? await deps.auth.findSessionToken(sessionId) : undefined
    if (token) headers.set('authorization', `Bearer ${token}`)
    else headers.delete('authorization')
  }
  const forwarded = new Request(req, { headers })
  const isSignUp = req.method === 'POST' && new URL(req.url).pathname === `${AUTH_BASE_PATH}/sign-up/email`
  const res = await (isSignUp ? deps.auth.signUpTiming.run(() => deps.auth.betterAuth.handler(forwarded), (r) => r.ok) : deps.auth.betterAuth.handler(forwarded))
  if (res.status >= 400) throw await apiErrorFromAuthResponse(res, req.headers.get('origin') ?? req.headers.get('referer') ?? undefined)
  return res
}
