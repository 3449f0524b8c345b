/**
 * With SMTP settings, auth emails go out through nodemailer (the real adapter) to an SMTP server;
 * the relay is the one thing faked, by a minimal SMTP listener in this file. The outbox stays empty.
 */
import net from 'node:net'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { openLink, post } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'

interface Received {
  auth: string | undefined
  data: string
}

/** Just enough SMTP (RFC 5321) for one client: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT. */
function startSmtpServer(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = []
  const server = net.createServer((sock) => {
    let buffer = ''
    let inData = false
    let data = ''
    let auth: string | undefined
    sock.write('220 fake-smtp ESMTP\r\n')
    sock.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      let end: number
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (inData) {
          if (line === '.') {
            inData = false
            received.push({ auth, data })
            data = ''
            sock.write('250 queued\r\n')
          } else data += line + '\n'
          continue
        }
        const verb = line.split(' ')[0]!.toUpperCase()
        if (verb === 'EHLO') sock.write('250-fake-smtp\r\n250 AUTH PLAIN\r\n')
        else if (verb === 'AUTH') {
          auth = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8')
          sock.write('235 accepted\r\n')
        } else if (verb === 'DATA') {
          inData = true
          sock.write('354 go on\r\n')
        } else if (verb === 'QUIT') {
          sock.end('221 bye\r\n')
        } else sock.write('250 ok\r\n')
      }
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port
      resolve({ port, received, close: () => new Promise((r) => server.close(() => r())) })
    })
  })
}

let t: TestDatabase
let floe: TestApp
const logLines: string[] = []
let smtp: Awaited<ReturnType<typeof startSmtpServer>>

beforeAll(async () => {
  smtp = await startSmtpServer()
  t = await createTestDatabase()
  floe = await buildTestApp(t, {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_USER: 'mailer',
    SMTP_PASS: 'smtp-password-123',
    SMTP_FROM: 'Floe <auth@floe.test>',
    LOG_LEVEL: 'debug',
  }, { logDestination: { write: (line: string) => void logLines.push(line) } })
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
  await smtp?.close()
})

describe('SMTP mailer', () => {
  it('sends the verification email over SMTP, and its link verifies', async () => {
    const email = 'smtp@floe.test'
    expect(floe.auth.mailer.name).toBe('smtp')
    const res = await post(floe, '/auth/v1/sign-up/email', { email, password: 'correct horse battery staple 1', name: 's' })
    expect(res.status).toBe(200)
    for (let i = 0; i < 100 && smtp.received.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    const [mail] = smtp.received
    expect(mail?.auth).toBe('\0mailer\0smtp-password-123')
    const message = mail!.data.replace(/=\n/g, '').replace(/=3D/g, '=')
    expect(message).toMatch(/^From: Floe <auth@floe\.test>$/m)
    expect(message).toMatch(/^To: smtp@floe\.test$/m)
    expect(message).toMatch(/^Subject: Floe: Confirm your email address$/m)

    const link = new URL(/http:\/\/\S+\/auth\/v1\/verify-email\?\S+/.exec(message)![0])
    expect((await openLink(floe, link)).status).toBeLessThan(400)
    const r = await sql<{ email_verified: boolean }>`select email_verified from auth.users where email = ${email}`.execute(floe.database.db)
    expect(r.rows[0]?.email_verified).toBe(true)
    const outbox = await sql<{ n: number }>`select count(*)::int as n from auth.outbox`.execute(floe.database.db)
    expect(outbox.rows[0]?.n).toBe(0)
  })

  it('never logs an email\'s link or code with SMTP configured (GoTrue sign-up sends both)', async () => {
    const email = 'smtp-gotrue@floe.test'
    const res = await post(floe, '/auth/v1/signup', { email, password: 'correct horse battery staple 1' })
    expect(res.status).toBe(200)
    for (let i = 0; i < 100 && !smtp.received.some((m) => m.data.includes(email)); i++) await new Promise((r) => setTimeout(r, 20))
    const message = smtp.received.find((m) => m.data.includes(email))!.data.replace(/=\n/g, '').replace(/=3D/g, '=')
    const token = /\/auth\/v1\/verify\?token=([0-9a-f]{64})/.exec(message)![1]!
    const code = /code: (\d{6})/.exec(message)![1]!
    const log = logLines.join('')
    expect(log).toContain('/auth/v1/signup') // the access log line: logging was on
    expect(log).not.toContain(token)
    expect(log).not.toMatch(new RegExp(`devCode|devLink|"${code}"`))
  })
})
