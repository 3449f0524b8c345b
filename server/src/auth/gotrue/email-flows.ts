/**
 * GoTrue's emailed-code flows: magic link / email OTP (`/otp`), password recovery (`/recover`),
 * sending again (`/resend`) and taking a code (`POST /verify` answers a session; `GET /verify`,
 * the link in the email, redirects with the session in the fragment, or `?code=` for PKCE).
 * Answers never say whether an address has an account, except where GoTrue's do.
 */
import { ApiError } from '../../errors/index.js'
import { assertEmail } from './accounts.js'
import type { GoTrue } from './gotrue-service.js'
import { CLASS_OF_TYPE, type CodePayload, type PkceChallenge, type VerifyType } from './one-time-codes.js'
import type { GoTrueSession, RequestMeta } from './sessions.js'
import { findUserRow } from './user-json.js'

export interface OtpInput {
  email: string
  createUser: boolean
  data?: Record<string, unknown> | undefined
  redirectTo?: string | undefined
  pkce?: PkceChallenge | undefined
}

export type VerifyInput = { type: VerifyType; redirectTo?: string | undefined } & ({ email: string; token: string } | { tokenHash: string })

export function createEmailFlows(g: GoTrue, opts: { signupEnabled: boolean }) {
  /** Takes the code a /verify names and applies it; the session it proves. */
  async function take(input: VerifyInput, meta: RequestMeta): Promise<{ session: GoTrueSession; payload: CodePayload; method: string }> {
    const cls = CLASS_OF_TYPE[input.type]
    const payload = 'tokenHash' in input
      ? await g.codes.take({ tokenHash: input.tokenHash })
      : await g.codes.take({ class: cls, email: input.email.trim().toLowerCase(), code: input.token.trim() })
    if (!payload || payload.class !== cls) throw new ApiError('otp_expired')
    const method = await g.applyCode(input.type, payload)
    return { session: await g.sessions.start(payload.userId, method, meta), payload, method }
  }

  return {
    /** POST /otp: a magic link and code to sign in (creating the user if asked and allowed). */
    async sendOtp(input: OtpInput): Promise<void> {
      const email = assertEmail(input.email)
      let user = await findUserRow(g.db, { email })
      if (!user) {
        if (!input.createUser) throw new ApiError('otp_disabled')
        if (!opts.signupEnabled) throw new ApiError('signup_disabled')
        await g.accounts.create({ email, confirmed: false, userMetadata: input.data ?? {} })
        user = await findUserRow(g.db, { email })
        if (!user) throw new ApiError('unexpected_failure')
      }
      const type: VerifyType = user.email_verified ? 'magiclink' : 'signup'
      await g.sendCode(email, { class: 'email', type, userId: user.id, email, redirectTo: g.redirects.resolve(input.redirectTo), pkce: input.pkce })
    },

    /** POST /recover: a recovery link and code, answered the same whether or not the address exists. */
    async recover(emailIn: string, redirectTo: string | undefined, pkce: PkceChallenge | undefined): Promise<void> {
      const email = assertEmail(emailIn)
      const user = await findUserRow(g.db, { email })
      if (!user) return
      await g.sendCode(email, { class: 'recovery', type: 'recovery', userId: user.id, email, redirectTo: g.redirects.resolve(redirectTo), pkce })
    },

    /** POST /resend: the sign-up confirmation or the email change again. */
    async resend(type: 'signup' | 'email_change', emailIn: string, redirectTo: string | undefined): Promise<void> {
      const email = assertEmail(emailIn)
      if (type === 'signup') {
        const user = await findUserRow(g.db, { email })
        if (!user || user.email_verified) return
        await g.sendCode(email, { class: 'email', type: 'signup', userId: user.id, email, redirectTo: g.redirects.resolve(redirectTo) })
        return
      }
      const owner = await g.findPendingEmailChange(email)
      if (!owner) return
      await g.sendCode(email, { class: 'email_change', type: 'email_change', userId: owner, email, newEmail: email, redirectTo: g.redirects.resolve(redirectTo) })
    },

    /** POST /verify with a code (and its email) or a token hash: the session. */
    async verify(input: VerifyInput, meta: RequestMeta): Promise<GoTrueSession> {
      return (await take(input, meta)).session
    },

    /**
     * GET /verify (the emailed link): where to send the browser. Implicit flow: the session in the
     * fragment; PKCE (the sign-up or request carried a challenge): `?code=` to exchange; a bad or
     * used link: the error in the fragment, as GoTrue does.
     */
    async verifyLink(tokenHash: string, type: VerifyType, redirectTo: string | undefined, meta: RequestMeta): Promise<string> {
      const target = new URL(g.redirects.resolve(redirectTo))
      try {
        const cls = CLASS_OF_TYPE[type]
        const payload = await g.codes.take({ tokenHash })
        if (!payload || payload.class !== cls) throw new ApiError('otp_expired')
        const method = await g.applyCode(type, payload)
        const to = new URL(g.redirects.resolve(redirectTo ?? payload.redirectTo))
        if (payload.pkce) {
          to.searchParams.set('code', await g.codes.startFlow({ userId: payload.userId, pkce: payload.pkce, method }))
          return to.toString()
        }
        const s = await g.sessions.start(payload.userId, method, meta)
        to.hash = new URLSearchParams({
          access_token: s.access_token, expires_at: String(s.expires_at), expires_in: String(s.expires_in),
          refresh_token: s.refresh_token, token_type: 'bearer', type: payload.type,
        }).toString()
        return to.toString()
      } catch (err) {
        if (!(err instanceof ApiError) || err.status >= 500) throw err
        target.hash = new URLSearchParams({ error: 'access_denied', error_code: err.code, error_description: err.message }).toString()
        return target.toString()
      }
    },
  }
}

export type EmailFlows = ReturnType<typeof createEmailFlows>
