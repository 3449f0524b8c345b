/**
 * Where auth emails go. Two mailers behind one interface: SMTP (nodemailer) when SMTP settings
 * exist, otherwise the development outbox, a table (`auth.outbox`) only the server's role and the
 * service role can read, shown by the dashboard. The jobs issue will put a queue in front of both.
 * Mail bodies carry one-time links: they are never logged, only their kind and recipient.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/index.js'
import nodemailer from 'nodemailer'
import type { SmtpConfig } from '../config.js'
import type { Logger } from '../log.js'
import type { AuthEmailKind, RenderedEmail } from './email-templates.js'

export interface OutgoingEmail extends RenderedEmail {
  kind: AuthEmailKind
  to: string
}

export interface Mailer {
  readonly name: 'smtp' | 'outbox'
  send(email: OutgoingEmail): Promise<void>
  close(): Promise<void>
}

export function createOutboxMailer(db: Kysely<DB>): Mailer {
  return {
    name: 'outbox',
    async send(email) {
      await sql`insert into auth.outbox (kind, to_address, subject, text_body, html_body)
                values (${email.kind}, ${email.to}, ${email.subject}, ${email.text}, ${email.html})`.execute(db)
    },
    async close() {},
  }
}

export function createSmtpMailer(smtp: SmtpConfig, from: string): Mailer {
  const transport =
    'url' in smtp
      ? nodemailer.createTransport(smtp.url)
      : nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.port === 465,
          ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
        })
  return {
    name: 'smtp',
    async send(email) {
      await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text, html: email.html })
    },
    async close() {
      transport.close()
    },
  }
}

/** SMTP when configured, else the outbox. */
export function createMailer(options: { smtp: SmtpConfig | undefined; from: string; db: Kysely<DB>; log: Logger }): Mailer {
  const mailer = options.smtp ? createSmtpMailer(options.smtp, options.from) : createOutboxMailer(options.db)
  if (!options.smtp) options.log.info('auth emails are kept in auth.outbox (no SMTP settings)')
  return mailer
}
