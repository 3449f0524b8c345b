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
  '/token',
]

const emailOf = new WeakMap<Request, string>()

/** Reads the email a limited request names, before better-auth consumes the body. */
const readEmail: MiddlewareHandler<AppEnv> = async (c, next) => {
  if ((c.req.header('content-type') ?? '').includes('json')) {
    const body: unknown = await c.req.raw.clone().json().catch(() => undefined)
    const email = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).email ?? (body as Record<string, unknown>).newEmail : undefined
    if (typeof email === 'string' && email.trim() !== '') {
      emailOf.set(c.req.raw, sha256(email.trim().toLowerCase()).toString('base64url').slice(0, 32))
    }
  }
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
