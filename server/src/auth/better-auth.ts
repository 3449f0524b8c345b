/**
 * The better-auth instance: one options object, better-auth's own plugins for every feature
 * (nothing re-implemented here), its tables in schema `auth` (see auth-schema.ts and migration
 * 0004), connected through the server's Kysely instance so it shares the one pg Pool.
 */
import { betterAuth } from 'better-auth'
import { APIError, createAuthMiddleware } from 'better-auth/api'
import { admin, anonymous, bearer, magicLink, twoFactor } from 'better-auth/plugins'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { DB } from '../db/index.js'
import type { Logger } from '../log.js'
import type { IssueTokens } from './access-token.js'
import { AUTH_SCHEMA, CORE_MODELS, PLUGIN_MODELS } from './auth-schema.js'
import { renderAuthEmail, type AuthEmailKind } from './email-templates.js'
import { originAliases } from './gotrue/emails.js'
import type { Mailer } from './mailer.js'
import type { SignUpTiming } from './sign-up-timing.js'
import { overLongField, USER_AGENT_MAX, USER_FIELD_LIMITS } from './user-field-limits.js'

export const AUTH_BASE_PATH = '/auth/v1'

/** The header the auth router sets to the client IP it trusts; anything a client sends is dropped. */
export const CLIENT_IP_HEADER = 'x-floe-client-ip'

export interface BetterAuthDeps {
  config: Readonly<Config>
  db: Kysely<DB>
  /** better-auth's secret (ensureAuthSecret). */
  secret: string
  mailer: Mailer
  log: Logger
  issueTokens: IssueTokens
  /** Told when /sign-up/email answers the decoy for a taken address (the router times the request). */
  signUpTiming: SignUpTiming
}

/** The admin plugin's role for new users (it sets it in a hook, so better-auth's decoy must be told). */
const DEFAULT_ROLE = 'user'

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype

const APP_NAME = 'Floe'

/**
 * better-auth links a reset as `/reset-password/<token>`; the access log records paths (never
 * query strings), so the emailed link carries the token in the query instead and the auth router
 * maps it back (see router.ts).
 */
export function resetLinkWithTokenInQuery(url: string, token: string): string {
  const u = new URL(url)
  u.pathname = u.pathname.replace(/\/reset-password\/[^/]+$/, '/reset-password')
  u.searchParams.set('token', token)
  return u.toString()
}

/** A profile from elsewhere (an OAuth provider) cut to the limits rather than refused: the user did not type it. */
function boundedProfile<T extends { name?: string | null | undefined; image?: string | null | undefined }>(user: T): T {
  const out = { ...user }
  if (typeof out.name === 'string' && out.name.length > USER_FIELD_LIMITS.name) out.name = out.name.slice(0, USER_FIELD_LIMITS.name)
  if (typeof out.image === 'string' && out.image.length > USER_FIELD_LIMITS.image) out.image = null
  return out
}

export function createBetterAuth(deps: BetterAuthDeps) {
  const { config, mailer, log } = deps
  const ac = config.auth
  const mail = async (kind: AuthEmailKind, to: string, url: string) => {
    await mailer.send({ kind, to, link: url, ...renderAuthEmail(kind, { url, appName: APP_NAME }) })
    log.info({ kind, mailer: mailer.name }, 'auth email sent')
  }
  const send = (kind: AuthEmailKind) => (data: { user: { email: string }; url: string }) => mail(kind, data.user.email, data.url)

  return betterAuth({
    appName: APP_NAME,
    baseURL: config.publicUrl,
    basePath: AUTH_BASE_PATH,
    secret: deps.secret,
    database: { db: deps.db, type: 'postgres', schemaName: AUTH_SCHEMA },
    telemetry: { enabled: false },
    // PUBLIC_URL's origin as localhost or as 127.0.0.1 (the start log prints one, browsers show
    // either), and each trusted origin likewise.
    trustedOrigins: [...new Set([config.publicUrl, ...ac.trustedOrigins].flatMap((o) => originAliases(o)))],
    // Floe's own limits (auth-rate-limit.ts) are shared through Redis; better-auth's are per process.
    rateLimit: { enabled: false },
    logger: {
      level: 'warn',
      // Only the message: better-auth's extra arguments can hold request data.
      log: (level, message) => log[level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'debug']({ module: 'better-auth' }, message),
    },
    // better-auth prints API errors to the console by itself; Floe answers 4xx in the shared shape
    // and logs only failures, through its own (redacting) logger, by name and message.
    onAPIError: {
      onError: (e) => {
        const status = typeof e === 'object' && e !== null && 'statusCode' in e ? Number(e.statusCode) : 500
        if (status < 500) return
        const err = e instanceof Error ? { name: e.name, message: e.message } : { message: String(e) }
        log.error({ module: 'better-auth', err }, 'better-auth failed')
      },
    },
    advanced: {
      // Explicit: better-auth turns its origin and CSRF checks off by itself when it thinks it runs
      // under a test runner (NODE_ENV=test), which a self-hoster could set by mistake. Floe's
      // tests exercise the checks as production has them.
      disableOriginCheck: false,
      disableCSRFCheck: false,
      database: { generateId: 'uuid' },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      cookiePrefix: 'floe',
      useSecureCookies: config.publicUrl.startsWith('https:'),
    },
    user: {
      ...CORE_MODELS.user,
      changeEmail: { enabled: true, sendChangeEmailConfirmation: send('change-email') },
      deleteUser: { enabled: true },
    },
    session: { ...CORE_MODELS.session, expiresIn: ac.sessionTtlS },
    account: CORE_MODELS.account,
    verification: CORE_MODELS.verification,
    emailAndPassword: {
      enabled: true,
      disableSignUp: !ac.signupEnabled,
      requireEmailVerification: ac.requireEmailVerification,
      // Sign-up never signs in: its answer is then the same whether or not the email was taken.
      autoSignIn: false,
      // The decoy user answered for a taken address: as a real new user would be, field for field
      // (better-auth leaves `role` null, which the admin plugin sets only on a real insert).
      customSyntheticUser: ({ coreFields, additionalFields, id }) => {
        deps.signUpTiming.markTaken()
        return { ...coreFields, role: DEFAULT_ROLE, banned: false, banReason: null, banExpires: null, ...additionalFields, id }
      },
      sendResetPassword: (data) => mail('reset-password', data.user.email, resetLinkWithTokenInQuery(data.url, data.token)),
      revokeSessionsOnPasswordReset: true,
    },
    emailVerification: { sendVerificationEmail: send('verify-email'), sendOnSignUp: true },
    // With sign-up closed, OAuth signs in existing users only, and anonymous users (who are new
    // accounts too) are off whatever AUTH_ANONYMOUS_ENABLED says.
    socialProviders: {
      ...(ac.oauth.github ? { github: { ...ac.oauth.github, disableImplicitSignUp: !ac.signupEnabled } } : {}),
      ...(ac.oauth.google ? { google: { ...ac.oauth.google, disableImplicitSignUp: !ac.signupEnabled } } : {}),
    },
    databaseHooks: {
      // Last line before the database's own CHECKs (migration 0016), for what no request body
      // bounds: a provider's profile (OAuth) and the User-Agent a session records.
      user: { create: { before: async (user) => ({ data: boundedProfile(user) }) }, update: { before: async (user) => ({ data: boundedProfile(user) }) } },
      session: { create: { before: async (session) => ({ data: { ...session, userAgent: session.userAgent?.slice(0, USER_AGENT_MAX) ?? null } }) } },
    },
    hooks: {
      // No stored field is unbounded: an over-long name, email, image or ban reason in any body
      // (sign-up, update-user, change-email, magic link, admin) is refused before it is stored.
      before: createAuthMiddleware(async (ctx) => {
        const problem = overLongField(ctx.body)
        if (problem) throw APIError.from('BAD_REQUEST', { code: 'INVALID_INPUT', message: problem })
      }),
      // Every answer that starts a session (sign-in, anonymous sign-in, 2FA verify...) also
      // carries an access token for the data API and the refresh token, as Supabase's do.
      after: createAuthMiddleware(async (ctx) => {
        const created = ctx.context.newSession
        const returned: unknown = ctx.context.returned
        if (!created || !isPlainObject(returned)) return
        return ctx.json({ ...returned, ...(await deps.issueTokens(created.session, created.user)) })
      }),
    },
    plugins: [
      // Lets API clients present the session token as `Authorization: Bearer` instead of a cookie.
      bearer(),
      admin({ schema: PLUGIN_MODELS.admin, defaultRole: DEFAULT_ROLE }),
      magicLink({ sendMagicLink: (data) => mail('magic-link', data.email, data.url), disableSignUp: !ac.signupEnabled }),
      twoFactor({ issuer: APP_NAME, schema: PLUGIN_MODELS.twoFactor }),
      ...(ac.anonymousEnabled && ac.signupEnabled ? [anonymous({ schema: PLUGIN_MODELS.anonymous })] : []),
    ],
  })
}

export type BetterAuth = ReturnType<typeof createBetterAuth>
