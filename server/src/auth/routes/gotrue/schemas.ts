/**
 * The request and response shapes of the GoTrue routes (what `@supabase/auth-js` sends and reads).
 * Unknown fields are ignored, as GoTrue ignores them; every field that is read is bounded.
 */
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { clientIp, type AppEnv } from '../../../http/index.js'
import type { RequestMeta } from '../../gotrue/sessions.js'

export const Email = z.string().min(1).max(320)
export const Password = z.string().min(1).max(1024)
/** user_metadata as sent; its stored size is bounded by the service (16 kB). */
export const Metadata = z.record(z.string().max(256), z.unknown())
/** auth-js sends these as null when it has none. */
export const CodeChallenge = {
  code_challenge: z.string().min(43).max(128).nullish(),
  code_challenge_method: z.enum(['s256', 'plain', 'S256']).nullish(),
}
export const Security = { gotrue_meta_security: z.object({ captcha_token: z.string().max(4096).nullish() }).nullish() }

export const RedirectQuery = z.object({ redirect_to: z.string().max(2048).optional() })

export const GoTrueUserSchema = z
  .object({
    id: z.string(),
    aud: z.string(),
    role: z.string(),
    email: z.string(),
    phone: z.string(),
    app_metadata: z.record(z.string(), z.unknown()),
    user_metadata: z.record(z.string(), z.unknown()),
    identities: z.array(z.record(z.string(), z.unknown())),
    created_at: z.string(),
    updated_at: z.string(),
    is_anonymous: z.boolean(),
  })
  .passthrough()
  .openapi('GoTrueUser')

export const GoTrueSessionSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int(),
    expires_at: z.number().int(),
    refresh_token: z.string(),
    user: GoTrueUserSchema,
  })
  .openapi('GoTrueSession')

/** A PKCE challenge as the service keeps it (GoTrue accepts the method in either case). */
export function pkceOf(b: { code_challenge?: string | null | undefined; code_challenge_method?: string | null | undefined }) {
  if (!b.code_challenge) return undefined
  return { challenge: b.code_challenge, method: b.code_challenge_method?.toLowerCase() === 'plain' ? ('plain' as const) : ('s256' as const) }
}

export function metaOf(c: Context<AppEnv>, trustProxy: boolean): RequestMeta {
  return { ip: clientIp(c, trustProxy), userAgent: c.req.header('user-agent') }
}
