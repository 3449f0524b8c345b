/**
 * Where auth emails go. Two mailers behind one interface: SMTP (nodemailer) when SMTP settings
 * exist, otherwise the development outbox, a table (`auth.outbox`) only the server's role and the
 * service role can read, shown by the dashboard. The jobs issue will put a queue in front of both.
 * Mail bodies carry one-time links: with SMTP they are never logged, only their kind and recipient;
 * the development outbox prints the link and code (there is no inbox to read them from).
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/index.js'
import nodemailer from 'nodemailer'
import type { SmtpConfig } from '../config.js'
import type { Logger } from '../log.js'
import type { AuthEmailKind, RenderedEmail } from './email-templates.js'

/** Auth's own emails, or `app`: an email an app sends through the `email` queue (a notification). */
export type EmailKind = AuthEmailKind | 'app'

export interface OutgoingEmail extends RenderedEmail {
  kind: EmailKind
  to: string
  /** The one-time link and code in the email: printed to the log by the development outbox only. */
  link?: string | undefined
  code?: string | undefined
}

export interface Mailer {
  readonly name: 'smtp' | 'outbox'
  send(email: OutgoingEmail): Promise<void>
  close(): Promise<void>
}

/**
 * The development outbox. With no SMTP there is no inbox to open, so each email's link and code
 * are also printed at info level: a developer gets past verification from the terminal. Never
 * with SMTP configured (createSmtpMailer logs nothing of a body).
 */
export function createOutboxMailer(db: Kysely<DB>, log?: Logger): Mailer {
  return {
    name: 'outbox',
    async send(email) {
      await sql`insert into auth.outbox (kind, to_address, subject, text_body, html_body)
                values (${email.kind}, ${email.to}, ${email.subject}, ${email.text}, ${email.html})`.execute(db)
      log?.info({ kind: email.kind, to: email.to, ...(email.link && { devLink: email.link }), ...(email.code && { devCode: email.code }) },
        `auth email kept in auth.outbox (no SMTP): ${email.kind} to ${email.to}`)
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
      await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text, ...(email.html ? { html: email.html } : {}) })
    },
    async close() {
      transport.close()
    },
  }
}

/** SMTP when configured, else the outbox. */
export function createMailer(options: { smtp: SmtpConfig | undefined; from: string; db: Kysely<DB>; log: Logger }): Mailer {
  const mailer = options.smtp ? createSmtpMailer(options.smtp, options.from) : createOutboxMailer(options.db, options.log)
  if (!options.smtp) options.log.info('auth emails are kept in auth.outbox and their links and codes printed here (no SMTP settings)')
  return mailer
}
