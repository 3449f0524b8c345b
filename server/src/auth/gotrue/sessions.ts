/**
 * GoTrue sessions on better-auth's: a session row (created by better-auth's internal adapter, so
 * its routes see it too) with the assurance level and methods GoTrue tracks, answered as GoTrue's
 * `Session` JSON with an access token minted from it. The session token is the refresh token.
 */
import { sql } from 'kysely'
import type { Database } from '../../db/index.js'
import { ApiError } from '../../errors/index.js'
import type { Logger } from '../../log.js'
import { isBanned, type AmrEntry, type IssueTokens, type TokenGrant } from '../access-token.js'
import type { BetterAuth } from '../better-auth.js'
import { rotateRefreshToken } from '../refresh-rotation.js'
import { UUID } from '../../uuid.js'
import { findUser, isPlaceholderEmail, toGoTrueUser, appMetadataOf, type GoTrueUser, type LoadedUser } from './user-json.js'

export type GoTrueSession = TokenGrant & { user: GoTrueUser }

export type Aal = 'aal1' | 'aal2'

interface SessionRow {
  id: string
  token: string
  user_id: string
  expires_at: Date
  aal: Aal
  amr: AmrEntry[]
}

export interface SessionsDeps {
  database: Database
  betterAuth: BetterAuth
  issueTokens: IssueTokens
  refreshTokenReuseIntervalS: number
  log: Logger
}

export interface RequestMeta {
  ip?: string | undefined
  userAgent?: string | undefined
}

export function createGoTrueSessions(d: SessionsDeps) {
  const db = d.database.db

  async function answer(session: SessionRow, user: LoadedUser): Promise<GoTrueSession> {
    const grant = await d.issueTokens(
      { id: session.id, token: session.token, expiresAt: session.expires_at, aal: session.aal, amr: session.amr },
      {
        id: user.row.id,
        email: isPlaceholderEmail(user.row.email) ? '' : user.row.email,
        role: user.row.role,
        isAnonymous: user.row.is_anonymous,
        appMetadata: appMetadataOf(user),
        userMetadata: user.row.user_metadata,
      },
    )
    return { ...grant, user: toGoTrueUser(user) }
  }

  /**
   * A user who turned on better-auth's own two-factor (`/two-factor/*`) is asked for the code by
   * better-auth's sign-in before any session exists. GoTrue's doors (password, OTP, links, OAuth)
   * know only GoTrue's factors and would hand out a session without it, so they refuse that user.
   */
  async function refuseBetterAuthTwoFactor(userId: string): Promise<void> {
    const r = await sql<{ on: boolean }>`select coalesce(two_factor_enabled, false) as on from auth.users where id = ${userId}::uuid`.execute(db)
    if (r.rows[0]?.on) {
      throw new ApiError('insufficient_aal', {
        message: 'This account signs in with a second factor through /auth/v1/sign-in/email and /auth/v1/two-factor/*',
        hint: 'Sign in there, or turn off that two-factor and enroll a factor with supabase.auth.mfa instead',
      })
    }
  }

  async function loadUser(userId: string): Promise<LoadedUser> {
    const user = await findUser(db, { id: userId })
    if (!user) throw new ApiError('user_not_found')
    return user
  }

  return {
    /** A new session for `userId`, proved by `method` ('password', 'otp', 'anonymous', ...). */
    async start(userId: string, method: string, meta: RequestMeta = {}): Promise<GoTrueSession> {
      await refuseBetterAuthTwoFactor(userId)
      const ctx = await d.betterAuth.$context
      const created = await ctx.internalAdapter.createSession(userId, false, {
        ipAddress: meta.ip ?? '',
        userAgent: (meta.userAgent ?? '').slice(0, 512),
      })
      const amr: AmrEntry[] = [{ method, timestamp: Math.floor(Date.now() / 1000) }]
      const r = await sql<SessionRow>`
        with s as (update auth.sessions set amr = ${JSON.stringify(amr)}::jsonb where id = ${created.id}::uuid
                   returning id, token, user_id, expires_at, aal, amr),
             u as (update auth.users set last_sign_in_at = now() where id = ${userId}::uuid)
        select * from s`.execute(db)
      return answer(r.rows[0]!, await loadUser(userId))
    },

    /** The session the access token's `session_id` names, while it lives. */
    async find(sessionId: string): Promise<SessionRow | undefined> {
      if (!UUID.test(sessionId)) return undefined
      const r = await sql<SessionRow>`select id, token, user_id, expires_at, aal, amr from auth.sessions
                                      where id = ${sessionId}::uuid and expires_at > now()`.execute(db)
      return r.rows[0]
    },

    /** A new access token for a live session (after its user or assurance level changed). */
    async reissue(session: SessionRow): Promise<GoTrueSession> {
      return answer(session, await loadUser(session.user_id))
    },

    /** Raises the session to aal2, adding the factor's method to its amr. */
    async elevate(sessionId: string, method: string): Promise<GoTrueSession> {
      const entry = JSON.stringify([{ method, timestamp: Math.floor(Date.now() / 1000) }])
      const r = await sql<SessionRow>`update auth.sessions set aal = 'aal2', amr = ${entry}::jsonb || amr, updated_at = now()
                                      where id = ${sessionId}::uuid and expires_at > now()
                                      returning id, token, user_id, expires_at, aal, amr`.execute(db)
      const session = r.rows[0]
      if (!session) throw new ApiError('session_not_found')
      return answer(session, await loadUser(session.user_id))
    },

    /** Refresh token rotation (refresh-rotation.ts), then a new access token from the session. */
    async refresh(refreshToken: string): Promise<GoTrueSession> {
      const token = await rotateRefreshToken(d.database, refreshToken, d.refreshTokenReuseIntervalS, d.log)
      const r = await sql<SessionRow>`select id, token, user_id, expires_at, aal, amr from auth.sessions where token = ${token}`.execute(db)
      const session = r.rows[0]
      if (!session) throw new ApiError('refresh_token_not_found')
      const user = await loadUser(session.user_id)
      if (isBanned({ banned: user.row.banned, banExpires: user.row.ban_expires })) throw new ApiError('user_banned')
      return answer(session, user)
    },

    /** Ends sessions: `local` the given one, `others` all but it, `global` all of the user's. */
    async end(userId: string, sessionId: string | undefined, scope: 'global' | 'local' | 'others'): Promise<void> {
      if (scope === 'global') await sql`delete from auth.sessions where user_id = ${userId}::uuid`.execute(db)
      else if (sessionId === undefined) return
      else if (scope === 'local') await sql`delete from auth.sessions where id = ${sessionId}::uuid and user_id = ${userId}::uuid`.execute(db)
      else await sql`delete from auth.sessions where user_id = ${userId}::uuid and id <> ${sessionId}::uuid`.execute(db)
    },

    loadUser,
  }
}

export type GoTrueSessions = ReturnType<typeof createGoTrueSessions>
export type { SessionRow }
