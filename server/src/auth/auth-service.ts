/**
 * The auth module's service: the better-auth instance with its mailer and secret, token refresh
 * from a session, and the session lookup that lets an access token act at better-auth's routes.
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import type { Logger } from '../log.js'
import { createTokenIssuer, isBanned, type TokenGrant } from './access-token.js'
import { ensureAuthSecret } from './auth-secret.js'
import { createBetterAuth, type BetterAuth } from './better-auth.js'
import type { JwtKeys } from './jwt.js'
import { createMailer, type Mailer } from './mailer.js'

export interface AuthUser {
  id: string
  email: string
  name: string
  email_verified: boolean
  role: string | null
  is_anonymous: boolean
  created_at: string
}

export type TokenResponse = TokenGrant & { user: AuthUser }

export interface AuthService {
  readonly betterAuth: BetterAuth
  readonly mailer: Mailer
  /**
   * New access token from a session, named by its token or by the session cookie; refused once
   * the session is gone or the user banned.
   */
  refresh(from: { refreshToken: string } | { cookie: string }): Promise<TokenResponse>
  /** The token of a live session, to present an access token's session to better-auth. */
  findSessionToken(sessionId: string): Promise<string | undefined>
  close(): Promise<void>
}

export interface AuthServiceDeps {
  config: Readonly<Config>
  database: Database
  jwtKeys: JwtKeys
  log: Logger
  /** Replaces the configured mailer (tests fake SMTP here, at the adapter). */
  mailer?: Mailer
}

/** Session tokens as better-auth makes them: 32 letters and digits. */
function newSessionToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  // 248 = 62 * 4: bytes at or above it are dropped, so every character is equally likely.
  let out = ''
  while (out.length < 32) for (const b of randomBytes(48)) if (b < 248 && out.length < 32) out += alphabet[b % 62]
  return out
}

/**
 * Refresh token rotation, as Supabase's: the presented token is replaced by a new one in the
 * session row (under a row lock, so concurrent refreshes serialize). The replaced token is kept
 * for `reuseIntervalS`: presented again within it (another tab refreshing at the same moment) it
 * answers the current token; presented later, someone replayed a spent token, and the session is
 * ended. Returns the session's current token.
 */
async function rotateRefreshToken(database: Database, presented: string, reuseIntervalS: number, log: Logger): Promise<string> {
  const outcome = await database.withOwner('auth: refresh token rotation', async ({ trx }) => {
    const current = await sql<{ id: string }>`
      select id from auth.sessions where token = ${presented} and expires_at > now() for update`.execute(trx)
    const session = current.rows[0]
    if (session) {
      const next = newSessionToken()
      await sql`update auth.sessions set token = ${next}, previous_token = ${presented}, rotated_at = now(), updated_at = now()
                where id = ${session.id}`.execute(trx)
      return { token: next }
    }
    const replaced = await sql<{ id: string; token: string; recent: boolean }>`
      select id, token, rotated_at > now() - make_interval(secs => ${reuseIntervalS}) as recent
        from auth.sessions where previous_token = ${presented} and expires_at > now() for update`.execute(trx)
    const rotated = replaced.rows[0]
    if (!rotated) return { token: undefined }
    if (rotated.recent) return { token: rotated.token }
    await sql`delete from auth.sessions where id = ${rotated.id}`.execute(trx)
    return { token: undefined, revoked: rotated.id }
  })
  if (outcome.revoked) log.warn({ sessionId: outcome.revoked }, 'a replaced refresh token was presented again after the reuse interval: session ended')
  if (outcome.token === undefined) throw new ApiError('AUTH_REFRESH_TOKEN_INVALID')
  return outcome.token
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function createAuthService(deps: AuthServiceDeps): Promise<AuthService> {
  const { config, database, log } = deps
  const secret = await ensureAuthSecret(database.db, config.auth.secret)
  const mailer = deps.mailer ?? createMailer({ smtp: config.auth.smtp, from: config.auth.mailFrom, db: database.db, log })
  const issueTokens = createTokenIssuer(deps.jwtKeys, config.auth.accessTokenTtlS)
  const betterAuth = createBetterAuth({ config, db: database.db, secret, mailer, log, issueTokens })

  return {
    betterAuth,
    mailer,
    async refresh(from) {
      // A browser session (cookie) keeps its token: the cookie holds it. A refresh token rotates.
      const headers: Record<string, string> =
        'refreshToken' in from
          ? { authorization: `Bearer ${await rotateRefreshToken(database, from.refreshToken, config.auth.refreshTokenReuseIntervalS, log)}` }
          : { cookie: from.cookie }
      const found = await betterAuth.api.getSession({
        headers: new Headers(headers),
        query: { disableCookieCache: true },
      })
      if (!found || isBanned(found.user)) throw new ApiError('AUTH_REFRESH_TOKEN_INVALID')
      const { session, user } = found
      const grant = await issueTokens(session, user)
      return {
        ...grant,
        user: {
          id: user.id,
          email: user.email,
          name: user.name,
          email_verified: user.emailVerified,
          role: user.role ?? null,
          is_anonymous: 'isAnonymous' in user && user.isAnonymous === true,
          created_at: new Date(user.createdAt).toISOString(),
        },
      }
    },
    async findSessionToken(sessionId) {
      if (!UUID.test(sessionId)) return undefined
      const r = await sql<{ token: string }>`select token from auth.sessions where id = ${sessionId} and expires_at > now()`.execute(database.db)
      return r.rows[0]?.token
    },
    close: () => mailer.close(),
  }
}
