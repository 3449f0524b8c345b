/**
 * The emails of GoTrue's flows: each carries a link to `/auth/v1/verify` (token hash, type,
 * redirect) and the 6-digit code, both from one-time-codes.ts, and goes through the auth mailer.
 * Also where a `redirect_to` is checked: only PUBLIC_URL's origin (as localhost or 127.0.0.1) and
 * AUTH_TRUSTED_ORIGINS may be redirected to; anything else falls back to PUBLIC_URL, as GoTrue
 * falls back to its SITE_URL.
 */
import type { AuthEmailKind } from '../email-templates.js'
import { renderAuthEmail } from '../email-templates.js'
import type { Mailer } from '../mailer.js'
import type { CodePayload, OneTimeCodes, VerifyType } from './one-time-codes.js'

const KIND_OF_TYPE: Record<VerifyType, AuthEmailKind> = {
  signup: 'verify-email',
  email: 'magic-link',
  magiclink: 'magic-link',
  invite: 'verify-email',
  recovery: 'reset-password',
  email_change: 'change-email',
}

/** The origins an origin of PUBLIC_URL also goes by: localhost and 127.0.0.1 name one machine. */
export function originAliases(origin: string): string[] {
  let u: URL
  try {
    u = new URL(origin)
  } catch {
    return [origin] // a pattern (https://*.example.com) stays as given
  }
  const out = [u.origin]
  for (const [from, to] of [['localhost', '127.0.0.1'], ['127.0.0.1', 'localhost']] as const) {
    if (u.hostname === from) out.push(`${u.protocol}//${to}${u.port ? ':' + u.port : ''}`)
  }
  return out
}

export function createRedirects(publicUrl: string, trustedOrigins: readonly string[]) {
  const allowed = new Set([...originAliases(new URL(publicUrl).origin), ...trustedOrigins.flatMap((o) => originAliases(o))])
  return {
    /** `redirectTo` when its origin is allowed, else PUBLIC_URL. */
    resolve(redirectTo: string | undefined): string {
      if (!redirectTo) return publicUrl
      try {
        const u = new URL(redirectTo)
        return (u.protocol === 'http:' || u.protocol === 'https:') && allowed.has(u.origin) ? u.toString() : publicUrl
      } catch {
        return publicUrl
      }
    },
  }
}

export type Redirects = ReturnType<typeof createRedirects>

export interface CodeMailerDeps {
  codes: OneTimeCodes
  mailer: Mailer
  publicUrl: string
  appName: string
}

/** Issues a code for `payload` and emails its link and code to `to`. */
export function createCodeMailer(d: CodeMailerDeps) {
  const verifyUrl = new URL('/auth/v1/verify', d.publicUrl)
  return async function sendCode(to: string, payload: CodePayload): Promise<void> {
    const { code, tokenHash } = await d.codes.issue(payload)
    const link = new URL(verifyUrl)
    link.searchParams.set('token', tokenHash)
    link.searchParams.set('type', payload.type)
    if (payload.redirectTo) link.searchParams.set('redirect_to', payload.redirectTo)
    const kind = KIND_OF_TYPE[payload.type]
    const url = link.toString()
    await d.mailer.send({ kind, to, link: url, code, ...renderAuthEmail(kind, { url, appName: d.appName, code }) })
  }
}

export type SendCode = ReturnType<typeof createCodeMailer>
