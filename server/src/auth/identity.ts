import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../errors/index.js'
import type { AppEnv, Identity, IdentityResolver } from '../http/index.js'
import type { ApiKeyVerifier } from './api-keys.js'
import { bearerError, verifyJwt, type JwtKeys } from './jwt.js'
import { UUID } from '../uuid.js'

export interface IdentityOptions {
  apiKeys: ApiKeyVerifier
  jwtKeys: JwtKeys
  /** Roles a JWT may name: anon, authenticated, service_role and any an admin declared. */
  allowedRoles: ReadonlySet<string>
  /** Whether a user's session is a live admin's (the account read again): for `X-Floe-Role`. */
  isLiveAdmin?: (userId: string, sessionId: string) => Promise<boolean>
}


function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!m) throw new ApiError('UNAUTHENTICATED', { details: 'The Authorization header must be "Bearer <token>"' })
  return m[1]
}

/**
 * Resolves the caller: `apikey` header (or a key as the bearer) → anon or service_role;
 * `Authorization: Bearer <JWT>` → the token's `role` claim with its claims (PostgREST: a token
 * without `role` runs as anon). When both are sent the JWT decides the role, as in Supabase,
 * but a wrong apikey is still refused. No credentials at all → 401.
 * A bearer that is neither a JWT (three dot-separated parts) nor a key of this instance is a 401
 * as in PostgREST ("Expected 3 parts in JWT; got N"), even beside a valid apikey: ignoring it would
 * run a client that believes it is signed in as anon. A `role` claim that is present but empty or
 * not a string is refused like an unknown role, never read as "no role" (anon with the token's sub).
 * Every refusal is a 401 ApiError saying what was wrong.
 *
 * `X-Floe-Role: service_role` with an admin user's token: the request runs as the service role,
 * keeping the admin's claims (`sub`, `email`: audit entries name them). The account is read again
 * (demoted, banned or signed out: 403 at once). An admin already holds every right through the
 * admin API; this lets the dashboard use storage and jobs without the service key in the browser.
 */
export function createIdentityResolver(options: IdentityOptions): IdentityResolver {
  const verifyKey = async (key: string): Promise<Identity | undefined> => {
    const found = await options.apiKeys.verify(key)
    return found && { role: found.role, claims: { role: found.role }, via: found.kind === 'anon' ? 'anon-key' : 'service-key' }
  }
  const elevate = async (claims: Record<string, unknown>, asRole: string): Promise<Identity> => {
    if (asRole !== 'service_role') throw new ApiError('INVALID_INPUT', { details: 'X-Floe-Role accepts only service_role' })
    const { sub, session_id: sessionId, user_role: userRole } = claims
    const isAdmin =
      userRole === 'admin' && typeof sub === 'string' && UUID.test(sub) && typeof sessionId === 'string' && UUID.test(sessionId) &&
      (await options.isLiveAdmin?.(sub, sessionId)) === true
    if (!isAdmin) throw new ApiError('FORBIDDEN', { details: 'Only an admin may act as the service role' })
    return { role: 'service_role', claims: { ...claims, role: 'service_role' }, via: 'jwt' }
  }
  return async ({ apikey, authorization, asRole }) => {
    const bearer = bearerOf(authorization)
    const parts = bearer?.split('.').length ?? 0
    const jwt = parts === 3 ? bearer : undefined

    let keyIdentity: Identity | undefined
    if (apikey !== undefined) {
      keyIdentity = await verifyKey(apikey)
      if (!keyIdentity) throw new ApiError('API_KEY_INVALID', { hint: 'Send the anon or service key of this instance in the apikey header' })
    }
    if (bearer !== undefined && jwt === undefined) {
      // supabase clients send the key itself as the bearer; the apikey header, when sent, keeps deciding the role.
      const bearerKey = bearer === apikey ? keyIdentity : await verifyKey(bearer)
      if (!bearerKey) throw bearerError('JWT_INVALID', `Expected 3 parts in JWT; got ${parts}`)
      keyIdentity ??= bearerKey
    }
    if (jwt !== undefined) {
      const payload = await verifyJwt(jwt, options.jwtKeys)
      const role = payload.role === undefined ? 'anon' : payload.role
      if (typeof role !== 'string' || !options.allowedRoles.has(role)) {
        throw new ApiError('JWT_ROLE_NOT_ALLOWED', { details: `Role ${JSON.stringify(role)} is not one this instance serves` })
      }
      if (asRole !== undefined) return elevate(payload, asRole)
      return { role, claims: { ...payload, role }, via: 'jwt' }
    }
    if (asRole !== undefined) throw new ApiError('FORBIDDEN', { details: 'X-Floe-Role needs an admin user\'s access token' })
    if (keyIdentity) return keyIdentity
    throw new ApiError('API_KEY_MISSING', { hint: 'Send the anon key in the apikey header (or a user access token as Authorization: Bearer)' })
  }
}

export function identityMiddleware(resolve: IdentityResolver): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // A query-string key is accepted as Supabase's gateway does, for clients that cannot set
    // headers (EventSource, WebSocket, a docs page); it is never logged (logs carry the path only).
    c.set('identity', await resolve({ apikey: c.req.header('apikey') ?? c.req.query('apikey'), authorization: c.req.header('authorization'), asRole: c.req.header('x-floe-role') }))
    await next()
  }
}
