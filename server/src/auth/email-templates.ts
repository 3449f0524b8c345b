/**
 * The auth emails, rendered from small templates. Values are HTML-escaped; the link is the only
 * thing a user acts on, so every template says what happens if they did not ask for it.
 */

export type AuthEmailKind = 'verify-email' | 'reset-password' | 'magic-link' | 'change-email'

export interface RenderedEmail {
  subject: string
  text: string
  html: string
}

interface Template {
  subject: string
  intro: string
  action: string
  ignore: string
}

const TEMPLATES: Record<AuthEmailKind, Template> = {
  'verify-email': {
    subject: 'Confirm your email address',
    intro: 'Confirm that this is your email address to finish setting up your account.',
    action: 'Confirm email',
    ignore: 'If you did not create an account, you can ignore this email.',
  },
  'reset-password': {
    subject: 'Reset your password',
    intro: 'Someone asked to reset the password of the account with this email address.',
    action: 'Choose a new password',
    ignore: 'If it was not you, ignore this email: your password stays as it is.',
  },
  'magic-link': {
    subject: 'Your sign-in link',
    intro: 'Use this link to sign in. It works once and expires soon.',
    action: 'Sign in',
    ignore: 'If you did not ask to sign in, you can ignore this email.',
  },
  'change-email': {
    subject: 'Confirm your new email address',
    intro: 'Confirm this address to make it the email of your account.',
    action: 'Confirm new email',
    ignore: 'If you did not ask for this change, ignore this email and nothing changes.',
  },
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** `code`: the one-time code the email also carries (GoTrue's flows accept either). */
export function renderAuthEmail(kind: AuthEmailKind, data: { url: string; appName: string; code?: string | undefined }): RenderedEmail {
  const t = TEMPLATES[kind]
  const subject = `${data.appName}: ${t.subject}`
  const codeLine = data.code ? `Or enter this code: ${data.code}\n\n` : ''
  const text = `${t.intro}\n\n${t.action}: ${data.url}\n\n${codeLine}${t.ignore}\n`
  const url = escapeHtml(data.url)
  const html =
    `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">` +
    `<p>${escapeHtml(t.intro)}</p>` +
    `<p><a href="${url}">${escapeHtml(t.action)}</a></p>` +
    (data.code ? `<p>Or enter this code: <strong>${escapeHtml(data.code)}</strong></p>` : '') +
    `<p style="color:#666;font-size:small">${escapeHtml(t.ignore)}<br>${url}</p>` +
    `</body></html>`
  return { subject, text, html }
}
