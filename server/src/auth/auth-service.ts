/**
 * The auth module's service: the better-auth instance with its mailer and secret, token refresh
 * from a session, and the session lookup that lets an access token act at better-auth's routes.
 */
import { sql } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/index.js'
import type { Logger } from '../log.js'
import { createTokenIssuer, isBanned, type TokenGrant } from './access-token.js'
import { authError } from './auth-errors.js'
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
      const found = await betterAuth.api.getSession({
        headers: new Headers('refreshToken' in from ? { authorization: `Bearer ${from.refreshToken}` } : { cookie: from.cookie }),
        query: { disableCookieCache: true },
      })
      if (!found || isBanned(found.user)) throw authError('AUTH_REFRESH_TOKEN_INVALID')
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
