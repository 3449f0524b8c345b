/**
 * The auth module's service: the better-auth instance with its mailer and secret, GoTrue's API
 * built on it (gotrue/), the refresh of a better-auth cookie session, and the session lookup that
 * lets an access token act at better-auth's routes.
 */
import type { Config } from '../config.js'
import type { Database } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import type { Logger } from '../log.js'
import { createTokenIssuer, isBanned } from './access-token.js'
import { ensureAuthSecret } from './auth-secret.js'
import { createBetterAuth, type BetterAuth } from './better-auth.js'
import type { JwtKeys } from './jwt.js'
import { createMailer, type Mailer } from './mailer.js'
import { createSignUpTiming, type SignUpTiming } from './sign-up-timing.js'
import { createEmailFlows, type EmailFlows } from './gotrue/email-flows.js'
import { createGoTrue, type GoTrue } from './gotrue/gotrue-service.js'
import { createOAuth, type OAuth } from './gotrue/oauth.js'
import type { GoTrueSession } from './gotrue/sessions.js'
import { createAdminLinks, type AdminLinks } from './gotrue/admin-links.js'
import { createAdminUsers, type AdminUsers } from './gotrue/admin-users.js'
import { createMfa, type Mfa } from './gotrue/mfa.js'

export interface AuthService {
  readonly betterAuth: BetterAuth
  readonly mailer: Mailer
  /** GoTrue's API on the same accounts and sessions (what `@supabase/auth-js` calls). */
  readonly gotrue: GoTrue
  readonly flows: EmailFlows
  readonly oauth: OAuth
  /** GoTrue's MFA (TOTP factors) and admin API (users, links), on the same store. */
  readonly mfa: Mfa
  readonly admin: { users: AdminUsers; links: AdminLinks }
  /** Times better-auth's /sign-up/email so a taken address answers as slowly as a real sign-up. */
  readonly signUpTiming: SignUpTiming
  /**
   * New access token from the session a better-auth session cookie names (after a magic link or
   * OAuth redirect); refused once the session is gone or the user banned.
   */
  refreshFromCookie(cookie: string): Promise<GoTrueSession>
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


export async function createAuthService(deps: AuthServiceDeps): Promise<AuthService> {
  const { config, database, log } = deps
  const secret = await ensureAuthSecret(database.db, config.auth.secret)
  const mailer = deps.mailer ?? createMailer({ smtp: config.auth.smtp, from: config.auth.mailFrom, db: database.db, log })
  const issueTokens = createTokenIssuer(deps.jwtKeys, config.auth.accessTokenTtlS)
  const signUpTiming = createSignUpTiming()
  const betterAuth = createBetterAuth({ config, db: database.db, secret, mailer, log, issueTokens, signUpTiming })
  const gotrue = createGoTrue({ config, database, betterAuth, issueTokens, mailer, secret, log })
  const flows = createEmailFlows(gotrue, { signupEnabled: config.auth.signupEnabled })
  const mfa = createMfa(gotrue, { database, secret, publicUrl: config.publicUrl })
  const admin = { users: createAdminUsers(gotrue, database), links: createAdminLinks(gotrue, config.publicUrl) }

  return {
    betterAuth,
    mailer,
    gotrue,
    flows,
    oauth: createOAuth(gotrue, betterAuth, config),
    mfa,
    admin,
    signUpTiming,
    async refreshFromCookie(cookie) {
      // A browser session (cookie) keeps its token: the cookie holds it.
      const found = await betterAuth.api.getSession({ headers: new Headers({ cookie }), query: { disableCookieCache: true } })
      if (!found) throw new ApiError('refresh_token_not_found')
      if (isBanned(found.user)) throw new ApiError('user_banned')
      const session = await gotrue.sessions.find(found.session.id)
      if (!session) throw new ApiError('refresh_token_not_found')
      return gotrue.sessions.reissue(session)
    },
    async findSessionToken(sessionId) {
      return (await gotrue.sessions.find(sessionId))?.token
    },
    close: () => mailer.close(),
  }
}
