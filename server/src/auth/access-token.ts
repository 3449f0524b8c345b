/**
 * Access tokens for the data API: short-lived HS256 JWTs signed with the instance's JWT secret
 * (the one the identity middleware verifies), minted from a better-auth session. The session
 * token is the refresh token: refreshing asks better-auth for the session, so a signed-out,
 * expired, banned or deleted user's session (deleted by the admin plugin on ban and delete) is
 * refused at once. An issued access token stays valid until its `exp`, hence the short lifetime.
 *
 * Why not better-auth's jwt plugin: it signs with asymmetric keys of its own table (JWKS), while
 * every Floe service verifies the instance HS256 secrets with key ids, rotated by config.
 */
import { signJwt, type JwtKeys } from './jwt.js'

/** How a session was proved, as GoTrue's `amr` claim lists it. */
export interface AmrEntry {
  method: string
  timestamp: number
}

export interface SessionRef {
  id: string
  token: string
  expiresAt: Date
  /** 'aal2' once a second factor was verified in this session (default 'aal1'). */
  aal?: 'aal1' | 'aal2' | undefined
  amr?: readonly AmrEntry[] | undefined
}

export interface UserRef {
  id: string
  email: string
  role?: string | null | undefined
  isAnonymous?: boolean | null | undefined
  /** GoTrue's app_metadata and user_metadata, copied into the token as Supabase's are. */
  appMetadata?: Record<string, unknown> | undefined
  userMetadata?: Record<string, unknown> | undefined
}

/** Supabase's token response shape, so its clients and ours read the same fields. */
export interface TokenGrant {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  expires_at: number
  refresh_token: string
}

export type IssueTokens = (session: SessionRef, user: UserRef) => Promise<TokenGrant>

export function createTokenIssuer(jwtKeys: JwtKeys, ttlSeconds: number): IssueTokens {
  return async (session, user) => {
    const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds
    // Supabase's claims (auth-js reads aal and amr for MFA; rules read app_metadata), plus
    // better-auth admin plugin's role ('user' | 'admin') for rules that need it.
    const claims = {
      sub: user.id,
      role: 'authenticated',
      aud: 'authenticated',
      email: user.email,
      phone: '',
      app_metadata: user.appMetadata ?? {},
      user_metadata: user.userMetadata ?? {},
      session_id: session.id,
      is_anonymous: user.isAnonymous === true,
      aal: session.aal ?? 'aal1',
      amr: session.amr ?? [],
      user_role: user.role ?? 'user',
    }
    const accessToken = await signJwt(claims, jwtKeys, expiresAt)
    return { access_token: accessToken, token_type: 'bearer', expires_in: ttlSeconds, expires_at: expiresAt, refresh_token: session.token }
  }
}

/** Whether a ban recorded by the admin plugin is in force now. */
export function isBanned(user: { banned?: boolean | null; banExpires?: Date | string | null }): boolean {
  if (user.banned !== true) return false
  return !user.banExpires || new Date(user.banExpires).getTime() > Date.now()
}
