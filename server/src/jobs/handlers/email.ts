/**
 * The built-in `email` handler: sends one email through the auth module's mailer (SMTP, or the
 * development outbox table). Bodies carry one-time links: never logged, only kind and recipient.
 */
import { z } from 'zod'
import type { Mailer } from '../../auth/index.js'
import { defineHandler } from '../define-handler.js'

export const EmailPayload = z.object({
  /** Auth's own kinds, or `app` (the default): an email the app sends, e.g. from a trigger with floe.enqueue_trusted. */
  kind: z.enum(['verify-email', 'reset-password', 'magic-link', 'change-email', 'app']).default('app'),
  to: z.string().email(),
  subject: z.string().min(1).max(998),
  text: z.string().max(1_000_000),
  /** Absent or empty: a text-only email. */
  html: z.string().max(1_000_000).default(''),
  /** The link and code in the body, printed by the development outbox only. */
  link: z.string().max(4096).optional(),
  code: z.string().max(16).optional(),
})

export function emailHandler(mailer: Mailer) {
  return defineHandler({
    payload: EmailPayload,
    async run(p, ctx) {
      await mailer.send(p)
      ctx.log.info({ kind: p.kind, mailer: mailer.name }, 'email sent')
      return { mailer: mailer.name }
    },
  })
}
