/**
 * Brute-force and abuse limits on the routes that take a password, create accounts or send
 * emails: per client IP and per account (the email in the body). Both count in Redis through the
 * shared rateLimit(), so they hold across replicas and fall back to per-process counters while
 * Redis is down. The email is hashed before it becomes a Redis key.
 */
import type { MiddlewareHandler } from 'hono'
import type { Redis } from 'ioredis'
import type { Config } from '../config.js'
import { clientIp, rateLimit, type AppEnv } from '../http/index.js'
import type { Logger } from '../log.js'
import { sha256 } from './crypto.js'

/** Paths under /auth/v1 that are limited (POST only). */
export const LIMITED_AUTH_PATHS = [
  '/sign-in/email',
  '/sign-in/magic-link',
  '/sign-in/anonymous',
  '/sign-in/social',
  '/sign-up/email',
  '/request-password-reset',
  '/reset-password',
  '/send-verification-email',
  '/change-email',
  '/change-password',
  '/two-factor/verify-totp',
  '/two-factor/verify-backup-code',
  // Also guessable or mail-sending: a second-factor code by email, and the routes that check the
  // password of a signed-in session (a stolen session must not become a password oracle).
  '/two-factor/send-otp',
  '/two-factor/verify-otp',
  '/two-factor/enable',
  '/two-factor/disable',
  '/two-factor/get-totp-uri',
  '/two-factor/generate-backup-codes',
  '/verify-password',
  '/delete-user',
]

const emailOf = new WeakMap<Request, string>()

/**
 * The email a request names, whatever the body's type: JSON, a form (urlencoded or multipart) or
 * an untyped body that parses as either. Every door that takes an email (better-auth's routes,
 * GoTrue's) counts against the same per-email limit, so no route or content type dodges it.
 */
async function emailInBody(req: Request): Promise<string | undefined> {
  const type = (req.headers.get('content-type') ?? '').toLowerCase()
  const pick = (get: (name: string) => unknown): string | undefined => {
    const v = get('email') ?? get('newEmail') ?? get('new_email')
    return typeof v === 'string' && v.trim() !== '' ? v : undefined
  }
  if (type.includes('multipart/form-data')) {
    const form = await req.clone().formData().catch(() => undefined)
    return form ? pick((n) => form.get(n) ?? undefined) : undefined
  }
  const text = await req.clone().text().catch(() => '')
  if (text === '') return undefined
  if (!type.includes('x-www-form-urlencoded')) {
    try {
      const body: unknown = JSON.parse(text)
      if (typeof body === 'object' && body !== null) return pick((n) => (body as Record<string, unknown>)[n])
      return undefined
    } catch {
      if (type.includes('json')) return undefined
    }
  }
  const form = new URLSearchParams(text)
  return pick((n) => form.get(n) ?? undefined)
}

/** Reads the email a limited request names, before the route consumes the body. */
const readEmail: MiddlewareHandler<AppEnv> = async (c, next) => {
  const email = await emailInBody(c.req.raw)
  if (email !== undefined) emailOf.set(c.req.raw, sha256(email.trim().toLowerCase()).toString('base64url').slice(0, 32))
  await next()
}

export function authRateLimits(deps: { config: Readonly<Config>; redis?: Redis | undefined; log: Logger }): MiddlewareHandler<AppEnv>[] {
  const { windowMs, perIp, perEmail } = deps.config.auth.rateLimit
  const common = { windowMs, redis: deps.redis, redisPrefix: deps.config.redisPrefix, log: deps.log }
  const out: MiddlewareHandler<AppEnv>[] = []
  if (perIp > 0) out.push(rateLimit({ ...common, name: 'auth-ip', limit: perIp, key: (c) => clientIp(c, deps.config.trustProxy) }))
  if (perEmail > 0) {
    out.push(readEmail)
    out.push(rateLimit({ ...common, name: 'auth-email', limit: perEmail, key: (c) => emailOf.get(c.req.raw) }))
  }
  return out
}
