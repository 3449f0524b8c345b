/**
 * An admin who enrolled an authenticator app (TOTP) signs in to the dashboard in two steps: the
 * password, then the code (the admin API accepts only an aal2 session of such an account). A wrong
 * code is refused and asked again; the right one opens the shell.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveChromium, startDashboardHarness, type DashboardHarness } from './harness.js'

/** RFC 6238 (SHA-1, 6 digits, 30 s) from a base32 secret, as an authenticator app computes it. */
function totp(base32: string, offsetS = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const ch of base32.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0')
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor((Date.now() / 1000 + offsetS) / 30)))
  const mac = createHmac('sha1', key).update(counter).digest()
  const o = mac[mac.length - 1]! & 0xf
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

describe.skipIf(!haveChromium)('dashboard sign-in with TOTP', () => {
  let h: DashboardHarness
  let secret: string

  beforeAll(async () => {
    h = await startDashboardHarness()
    // Enrol the admin's authenticator from Node through GoTrue's MFA routes, as auth-js does.
    const call = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
      const res = await fetch(`${h.floe.url}/auth/v1${path}`, {
        method: 'POST',
        headers: { apikey: h.floe.anonKey, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      })
      expect(res.status, `${path}: ${res.status}`).toBeLessThan(300)
      return (await res.json()) as T
    }
    const { access_token: token } = await call<{ access_token: string }>('/token?grant_type=password', { email: h.admin.email, password: h.admin.password })
    const factor = await call<{ id: string; totp: { secret: string } }>('/factors', { factor_type: 'totp' }, token)
    secret = factor.totp.secret
    const challenge = await call<{ id: string }>(`/factors/${factor.id}/challenge`, {}, token)
    await call(`/factors/${factor.id}/verify`, { challenge_id: challenge.id, code: totp(secret) }, token)
  })
  afterAll(async () => {
    await h?.close()
  })

  it('asks for the code after the password, refuses a wrong one, opens the shell with the right one', async () => {
    const page = await h.newPage()
    await page.goto(h.dashboardUrl)
    await page.getByLabel('Email').fill(h.admin.email)
    await page.getByLabel('Password').fill(h.admin.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor()
    await h.screenshot(page, 'signin-totp')

    const near = new Set([-30, 0, 30].map((s) => totp(secret, s)))
    let wrong = '000000'
    for (let n = 0; near.has(wrong); n++) wrong = String(n).padStart(6, '0')
    await page.getByLabel('Code').fill(wrong)
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByRole('alert').waitFor()
    await expect(page.getByRole('heading', { name: 'Two-factor authentication' }).isVisible()).resolves.toBe(true)

    await page.getByLabel('Code').fill(totp(secret))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByRole('navigation').getByRole('link', { name: 'Table editor' }).waitFor()
    // The refused code is the one failed request the page saw; nothing else went wrong.
    expect(page.errors.filter((e) => !/verify|422|400/i.test(e))).toEqual([])
  })
})
