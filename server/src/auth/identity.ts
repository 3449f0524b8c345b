import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../errors/index.js'
import type { AppEnv, Identity, IdentityResolver } from '../http/index.js'
import type { ApiKeyVerifier } from './api-keys.js'
import { verifyJwt, type JwtKeys } from './jwt.js'

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

export interface IdentityOptions {
  apiKeys: ApiKeyVerifier
  jwtKeys: JwtKeys
  /** Roles a JWT may name: anon, authenticated, service_role and any an admin declared. */
  allowedRoles: ReadonlySet<string>
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
 * Every refusal is a 401 ApiError saying what was wrong.
 */
export function createIdentityResolver(options: IdentityOptions): IdentityResolver {
  return async ({ apikey, authorization }) => {
    const bearer = bearerOf(authorization)
    const jwt = bearer !== undefined && JWT_SHAPE.test(bearer) ? bearer : undefined
    const key = apikey ?? (jwt === undefined ? bearer : undefined)

    let keyIdentity: Identity | undefined
    if (key !== undefined) {
      const found = await options.apiKeys.verify(key)
      if (!found) throw new ApiError('API_KEY_INVALID', { hint: 'Send the anon or service key of this instance in the apikey header' })
      keyIdentity = { role: found.role, claims: { role: found.role }, via: found.kind === 'anon' ? 'anon-key' : 'service-key' }
    }
    if (jwt !== undefined) {
      const payload = await verifyJwt(jwt, options.jwtKeys)
      const role = typeof payload.role === 'string' && payload.role !== '' ? payload.role : 'anon'
      if (!options.allowedRoles.has(role)) {
        throw new ApiError('JWT_ROLE_NOT_ALLOWED', { details: `Role "${role}" is not one this instance serves` })
      }
      return { role, claims: { ...payload, role }, via: 'jwt' }
    }
    if (keyIdentity) return keyIdentity
    throw new ApiError('API_KEY_MISSING', { hint: 'Send the anon key in the apikey header (or a user access token as Authorization: Bearer)' })
  }
}

export function identityMiddleware(resolve: IdentityResolver): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // A query-string key is accepted as Supabase's gateway does, for clients that cannot set
    // headers (EventSource, WebSocket, a docs page); it is never logged (logs carry the path only).
    c.set('identity', await resolve({ apikey: c.req.header('apikey') ?? c.req.query('apikey'), authorization: c.req.header('authorization') }))
    await next()
  }
}
