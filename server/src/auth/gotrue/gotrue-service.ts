/**
 * GoTrue's API (what `@supabase/auth-js` calls) on Floe's one user store: sign-up, the token
 * grants, the user, sign-out and the emailed-code flows. Accounts and sessions are better-auth's
 * rows; this adds GoTrue's semantics and shapes on top (accounts.ts, sessions.ts, user-json.ts).
 */
import { sql } from 'kysely'
import type { Config } from '../../config.js'
import type { Database } from '../../db/index.js'
import { ApiError } from '../../errors/index.js'
import type { Identity } from '../../http/index.js'
import type { Logger } from '../../log.js'
import { isBanned, type IssueTokens } from '../access-token.js'
import type { BetterAuth } from '../better-auth.js'
import type { Mailer } from '../mailer.js'
import { assertEmail, assertMetadataSize, createAccounts, mergeMetadata } from './accounts.js'
import { createCodeMailer, createRedirects } from './emails.js'
import { CLASS_OF_TYPE, createOneTimeCodes, verifierMatches, type PkceChallenge, type VerifyType } from './one-time-codes.js'
import { createGoTrueSessions, type GoTrueSession, type RequestMeta, type SessionRow } from './sessions.js'
import { findUser, findUserRow, isPlaceholderEmail, toGoTrueUser, type GoTrueUser } from './user-json.js'
import { createSignUpTiming } from '../sign-up-timing.js'

export interface GoTrueDeps {
  config: Readonly<Config>
  database: Database
  betterAuth: BetterAuth
  issueTokens: IssueTokens
  mailer: Mailer
  secret: string
  log: Logger
}

export interface SignUpInput {
  email?: string | undefined
  password?: string | undefined
  data?: Record<string, unknown> | undefined
  redirectTo?: string | undefined
  pkce?: PkceChallenge | undefined
}

export interface UpdateUserInput {
  email?: string | undefined
  password?: string | undefined
  data?: Record<string, unknown> | undefined
  redirectTo?: string | undefined
}

/** A signed-in caller: the user and the live session of their access token. */
export interface Caller {
  userId: string
  session: SessionRow
}

export function createGoTrue(d: GoTrueDeps) {
  const ac = d.config.auth
  const db = d.database.db
  const accounts = createAccounts(d.betterAuth, d.database)
  const sessions = createGoTrueSessions({ database: d.database, betterAuth: d.betterAuth, issueTokens: d.issueTokens, refreshTokenReuseIntervalS: ac.refreshTokenReuseIntervalS, log: d.log })
  const codes = createOneTimeCodes(db, d.secret)
  const redirects = createRedirects(d.config.publicUrl, ac.trustedOrigins)
  const signUpTiming = createSignUpTiming()
  const sendCode = createCodeMailer({ codes, mailer: d.mailer, publicUrl: d.config.publicUrl, appName: 'Floe' })

  const stamp = (userId: string, column: 'confirmation_sent_at' | 'recovery_sent_at' | 'email_change_sent_at') =>
    sql`update auth.users set ${sql.ref(column)} = now() where id = ${userId}::uuid`.execute(db)

  async function sendConfirmation(userId: string, email: string, redirectTo: string | undefined, pkce?: PkceChallenge): Promise<void> {
    await sendCode(email, { class: 'email', type: 'signup', userId, email, redirectTo: redirects.resolve(redirectTo), pkce })
    await stamp(userId, 'confirmation_sent_at')
  }

  /** The caller of a route that needs a user: a live session behind a valid access token. */
  async function callerOf(identity: Identity | undefined): Promise<Caller> {
    const sub = identity?.claims.sub
    if (identity?.via !== 'jwt' || typeof sub !== 'string') throw new ApiError('no_authorization')
    const sessionId = identity.claims.session_id
    const session = typeof sessionId === 'string' ? await sessions.find(sessionId) : undefined
    if (!session || session.user_id !== sub) throw new ApiError('session_not_found')
    return { userId: sub, session }
  }

  return {
    db,
    sessions,
    codes,
    accounts,
    redirects,
    sendCode,
    callerOf,

    settings() {
      return {
        external: {
          email: true, phone: false, anonymous_users: ac.anonymousEnabled && ac.signupEnabled,
          github: ac.oauth.github !== undefined, google: ac.oauth.google !== undefined,
        },
        disable_signup: !ac.signupEnabled,
        mailer_autoconfirm: !ac.requireEmailVerification,
        phone_autoconfirm: false,
        sms_provider: '',
        saml_enabled: false,
      }
    },

    /** POST /signup: email + password, or (neither given) an anonymous user. */
    async signUp(input: SignUpInput, meta: RequestMeta): Promise<GoTrueSession | GoTrueUser> {
      if (!ac.signupEnabled) throw new ApiError('signup_disabled')
      const data = input.data ?? {}
      if (input.email === undefined && input.password === undefined) {
        if (!ac.anonymousEnabled) throw new ApiError('anonymous_provider_disabled')
        return sessions.start(await accounts.createAnonymous(data), 'anonymous', meta)
      }
      if (input.email === undefined) throw new ApiError('validation_failed', { message: 'To sign up, please provide your email' })
      if (input.password === undefined) throw new ApiError('validation_failed', { message: 'Signup requires a valid password' })
      const email = assertEmail(input.email)
      const password = input.password
      await accounts.assertPassword(password)
      return signUpTiming.run(async () => {
        const userId = await accounts.create({ email, password, confirmed: !ac.requireEmailVerification, userMetadata: data })
        if (userId === undefined) {
          if (!ac.requireEmailVerification) throw new ApiError('user_already_exists')
          // As GoTrue with confirmations on: the same answer whether or not the address was taken
          // (in shape and, through signUpTiming, in time), and a new confirmation for an owner who
          // never confirmed.
          signUpTiming.markTaken()
          const existing = await findUserRow(db, { email })
          if (existing && !existing.email_verified) await sendConfirmation(existing.id, email, input.redirectTo, input.pkce)
          return obfuscatedUser(email, data)
        }
        if (!ac.requireEmailVerification) return sessions.start(userId, 'password', meta)
        await sendConfirmation(userId, email, input.redirectTo, input.pkce)
        return toGoTrueUser((await findUser(db, { id: userId }))!)
      })
    },

    /** POST /token?grant_type=password */
    async signInWithPassword(emailIn: string, password: string, meta: RequestMeta): Promise<GoTrueSession> {
      const user = EMAIL_LIKE.test(emailIn) ? await findUserRow(db, { email: emailIn.trim() }) : undefined
      const ok = await accounts.checkPassword(user?.id ?? '00000000-0000-0000-0000-000000000000', password)
      if (!user || !ok) throw new ApiError('invalid_credentials')
      if (isBanned({ banned: user.banned, banExpires: user.ban_expires })) throw new ApiError('user_banned')
      if (ac.requireEmailVerification && !user.email_verified) throw new ApiError('email_not_confirmed')
      return sessions.start(user.id, 'password', meta)
    },

    /** POST /token?grant_type=pkce: the auth code a link or redirect gave, with its verifier. */
    async exchangeCode(authCode: string, verifier: string, meta: RequestMeta): Promise<GoTrueSession> {
      const flow = await codes.takeFlow(authCode)
      if (!flow) throw new ApiError('flow_state_not_found')
      if (!verifierMatches(flow.pkce, verifier)) throw new ApiError('bad_code_verifier')
      return sessions.start(flow.userId, flow.method, meta)
    },

    async getUser(identity: Identity | undefined): Promise<GoTrueUser> {
      const caller = await callerOf(identity)
      return toGoTrueUser(await sessions.loadUser(caller.userId))
    },

    /** PUT /user: metadata, password, email (confirmed by an emailed code when confirmations are on). */
    async updateUser(identity: Identity | undefined, input: UpdateUserInput): Promise<GoTrueUser> {
      const { userId, session } = await callerOf(identity)
      const user = await sessions.loadUser(userId)
      if ((input.password !== undefined || input.email !== undefined) && session.aal !== 'aal2' && user.factors.some((f) => f.status === 'verified')) {
        throw new ApiError('insufficient_aal')
      }
      if (input.data !== undefined) {
        const next = mergeMetadata(user.row.user_metadata, input.data)
        assertMetadataSize(next, 'user_metadata')
        await sql`update auth.users set user_metadata = ${JSON.stringify(next)}::jsonb, updated_at = now() where id = ${userId}::uuid`.execute(db)
      }
      if (input.password !== undefined) {
        await accounts.assertPassword(input.password)
        if (await accounts.checkPassword(userId, input.password)) throw new ApiError('same_password')
        await accounts.setPassword(userId, input.password)
      }
      if (input.email !== undefined) {
        const email = assertEmail(input.email)
        if (email !== user.row.email) await changeEmail(userId, email, input.redirectTo)
      }
      return toGoTrueUser(await sessions.loadUser(userId))
    },

    /** The user waiting to confirm a change to `newEmail`, if any. */
    async findPendingEmailChange(newEmail: string): Promise<string | undefined> {
      const r = await sql<{ id: string }>`select id from auth.users where lower(new_email) = lower(${newEmail}) limit 1`.execute(db)
      return r.rows[0]?.id
    },

    async logout(identity: Identity | undefined, scope: 'global' | 'local' | 'others'): Promise<void> {
      const sub = identity?.claims.sub
      if (identity?.via !== 'jwt' || typeof sub !== 'string') throw new ApiError('no_authorization')
      const sessionId = typeof identity.claims.session_id === 'string' ? identity.claims.session_id : undefined
      await sessions.end(sub, sessionId, scope)
    },

    /** Applies a verified code: confirms the address, changes it, or just proves it. */
    async applyCode(type: VerifyType, payload: { userId: string; newEmail?: string | undefined }): Promise<string> {
      const cls = CLASS_OF_TYPE[type]
      if (cls === 'email_change' && payload.newEmail) {
        if (!(await accounts.confirmEmail(payload.userId, payload.newEmail))) throw new ApiError('user_not_found')
        return 'email_change'
      }
      await sql`update auth.users set email_verified = true, updated_at = now() where id = ${payload.userId}::uuid and not email_verified`.execute(db)
      return cls === 'recovery' ? 'recovery' : 'otp'
    },
  }

  async function changeEmail(userId: string, email: string, redirectTo: string | undefined): Promise<void> {
    const taken = await findUserRow(db, { email })
    if (taken) throw new ApiError('email_exists')
    if (!ac.requireEmailVerification) {
      await accounts.confirmEmail(userId, email)
      return
    }
    await sql`update auth.users set new_email = ${email}, email_change_sent_at = now() where id = ${userId}::uuid`.execute(db)
    await sendCode(email, { class: 'email_change', type: 'email_change', userId, email, newEmail: email, redirectTo: redirects.resolve(redirectTo) })
  }
}

const EMAIL_LIKE = /^[^\s@]{1,200}@[^\s@]{1,200}$/

/**
 * The answer for a sign-up to a taken address with confirmations on: a user that is no one, shaped
 * field for field like a real new user. GoTrue itself answers `identities: []` here, and Supabase's
 * docs suggest apps read that as "already registered": Floe does not, since that answer tells
 * anyone who has an account (issue 15).
 */
function obfuscatedUser(email: string, data: Record<string, unknown>): GoTrueUser {
  const now = new Date().toISOString()
  const id = crypto.randomUUID()
  return {
    id, aud: 'authenticated', role: 'authenticated', email, phone: '', confirmation_sent_at: now,
    app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: data,
    identities: [{
      identity_id: crypto.randomUUID(), id, user_id: id,
      identity_data: { email, email_verified: false, phone_verified: false, sub: id },
      provider: 'email', last_sign_in_at: null, created_at: now, updated_at: now, email,
    }],
    created_at: now, updated_at: now, is_anonymous: false,
  }
}

export type GoTrue = ReturnType<typeof createGoTrue>
export { isPlaceholderEmail }
