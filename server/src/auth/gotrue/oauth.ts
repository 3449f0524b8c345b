/**
 * GoTrue's OAuth entry and exit on better-auth's social providers (`signInWithOAuth` in auth-js):
 *
 *   GET /authorize?provider=github&redirect_to=…[&code_challenge=…]
 *     → better-auth starts its sign-in (state cookie, provider URL) with its callback set to
 *       GET /callback?state=<ours>; the browser is sent to the provider.
 *   provider → better-auth's /callback/<provider> (code exchange, user and account, session
 *     cookie) → GET /callback?state=<ours>
 *     → the cookie session is exchanged for a GoTrue session (and then ended), and the browser is
 *       sent to redirect_to with the session in the fragment, or `?code=` under PKCE.
 *
 * Errors on the way come back as better-auth's `?error=` and leave as GoTrue's fragment error.
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Config } from '../../config.js'
import { ApiError } from '../../errors/index.js'
import type { BetterAuth } from '../better-auth.js'
import type { GoTrue } from './gotrue-service.js'
import type { PkceChallenge } from './one-time-codes.js'
import type { RequestMeta } from './sessions.js'

interface OAuthState {
  redirectTo: string
  pkce?: PkceChallenge | undefined
}

const STATE_TTL_S = 600

export function createOAuth(g: GoTrue, betterAuth: BetterAuth, config: Readonly<Config>) {
  const providers = new Set(Object.keys(config.auth.oauth))
  const callbackUrl = (state: string) => {
    const u = new URL('/auth/v1/callback', config.publicUrl)
    u.searchParams.set('state', state)
    return u.toString()
  }

  async function takeState(id: string): Promise<OAuthState | undefined> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(id)) return undefined
    return g.codes.takeState<OAuthState>('oauth:' + id)
  }

  return {
    /** Where to send the browser to sign in with `provider`, and the cookies better-auth set for it. */
    async authorize(input: { provider: string; redirectTo?: string | undefined; scopes?: string | undefined; pkce?: PkceChallenge | undefined }): Promise<{ url: string; cookies: string[] }> {
      if (!providers.has(input.provider)) throw new ApiError('provider_disabled', { message: `Unsupported provider: ${input.provider.slice(0, 40)} is not enabled` })
      const id = randomBytes(24).toString('base64url')
      const state: OAuthState = { redirectTo: g.redirects.resolve(input.redirectTo), pkce: input.pkce }
      await g.codes.keepState('oauth:' + id, state, STATE_TTL_S)
      const scopes = input.scopes?.split(/[\s,]+/).filter(Boolean)
      const res = await betterAuth.api.signInSocial({
        body: { provider: input.provider, callbackURL: callbackUrl(id), errorCallbackURL: callbackUrl(id), disableRedirect: true, ...(scopes?.length ? { scopes } : {}) },
        headers: new Headers(),
        asResponse: true,
      })
      if (!res.ok) throw new ApiError('provider_disabled', { message: `The ${input.provider} sign-in could not start` })
      const { url } = (await res.json()) as { url: string }
      return { url, cookies: res.headers.getSetCookie() }
    },

    /** The end of the round trip: where to send the browser now. */
    async complete(input: { state: string; cookie: string | undefined; error?: string | undefined }, meta: RequestMeta): Promise<string> {
      const state = await takeState(input.state)
      if (!state) throw new ApiError('bad_oauth_state')
      const to = new URL(state.redirectTo)
      const fail = (code: string, description: string) => {
        to.hash = new URLSearchParams({ error: 'access_denied', error_code: code, error_description: description }).toString()
        return to.toString()
      }
      if (input.error) return fail(input.error.slice(0, 64), 'The provider sign-in did not complete')
      const found = input.cookie ? await betterAuth.api.getSession({ headers: new Headers({ cookie: input.cookie }), query: { disableCookieCache: true } }) : null
      if (!found) return fail('bad_oauth_callback', 'No session came back from the provider')
      // The browser's cookie session gives way to the GoTrue session the app will hold.
      await sql`delete from auth.sessions where id = ${found.session.id}::uuid`.execute(g.db)
      if (state.pkce) {
        to.searchParams.set('code', await g.codes.startFlow({ userId: found.user.id, pkce: state.pkce, method: 'oauth' }))
        return to.toString()
      }
      const s = await g.sessions.start(found.user.id, 'oauth', meta)
      to.hash = new URLSearchParams({
        access_token: s.access_token, expires_at: String(s.expires_at), expires_in: String(s.expires_in),
        refresh_token: s.refresh_token, token_type: 'bearer',
      }).toString()
      return to.toString()
    },
  }
}

export type OAuth = ReturnType<typeof createOAuth>
