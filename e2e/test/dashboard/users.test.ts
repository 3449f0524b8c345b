/**
 * The Users screen in Chromium against a real `floe start`: create a user through the screen,
 * find it by search, ban it (its password sign-in through /auth/v1 then fails), unban it, see a
 * refusal (an admin cannot ban themself), delete it; read a sign-up email in the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveChromium, newAccount, startDashboardHarness, type Account, type DashboardHarness } from './harness.js'

describe.skipIf(!haveChromium)('dashboard users', () => {
  let h: DashboardHarness

  beforeAll(async () => {
    h = await startDashboardHarness()
  })
  afterAll(async () => {
    await h?.close()
  })

  const signInStatus = async (a: Account) => {
    const res = await fetch(`${h.floe.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: h.floe.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify(a),
    })
    return res.status
  }

  it('creates, finds, bans, unbans and deletes a user', async () => {
    const page = await h.newPage()
    await h.openDashboard(page, { path: 'users' })
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor()

    const account = newAccount('made-in-ui')
    await page.getByRole('button', { name: 'Create user' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create user' })
    await dialog.getByLabel('Email', { exact: true }).fill(account.email)
    await dialog.getByLabel('Password').fill(account.password)
    await dialog.getByLabel('Name').fill('Made In UI')
    await dialog.getByRole('button', { name: 'Create user' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(await signInStatus(account)).toBe(200)

    await page.getByLabel('Search users').fill(account.email.slice(0, 14))
    const row = page.getByRole('row').filter({ hasText: account.email })
    await row.waitFor()
    await expect.poll(() => page.getByRole('row').count()).toBe(2) // the header and this user
    await row.click()
    const detail = page.getByRole('complementary', { name: 'User details' })
    await detail.getByRole('heading', { name: account.email }).waitFor()

    await detail.getByRole('button', { name: 'Ban…' }).click()
    const ban = page.getByRole('dialog', { name: `Ban ${account.email}` })
    await ban.getByLabel('Reason').fill('spam')
    await ban.getByLabel('Duration').selectOption({ label: '7 days' })
    await ban.getByRole('button', { name: 'Ban user' }).click()
    await ban.waitFor({ state: 'detached' })
    await detail.getByTestId('user-ban-status').getByText('banned').waitFor()
    expect(await detail.getByTestId('user-ban-status').textContent()).toContain('spam')
    await row.getByText('banned').waitFor()
    expect(await signInStatus(account)).toBeGreaterThanOrEqual(400)
    await h.screenshot(page, 'users')

    await detail.getByRole('button', { name: 'Unban' }).click()
    await detail.getByRole('button', { name: 'Ban…' }).waitFor()
    expect(await signInStatus(account)).toBe(200)
    const sessions = detail.getByRole('region', { name: 'Sessions' })
    await sessions.getByRole('button', { name: 'Refresh' }).click()
    await sessions.getByRole('listitem').first().waitFor()
    const live = await sessions.getByRole('listitem').count()
    await sessions.getByRole('listitem').first().getByRole('button', { name: 'Revoke' }).click()
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(live - 1)
    if (live > 1) {
      await sessions.getByRole('button', { name: 'Revoke all' }).click()
      await page.getByRole('dialog', { name: 'Revoke every session?' }).getByRole('button', { name: 'Revoke all' }).click()
    }
    await sessions.getByText('No live sessions.').waitFor()

    await detail.getByLabel('Role').selectOption('admin')
    await row.getByText('admin').waitFor()
    await detail.getByLabel('Role').selectOption('user')
    await row.getByText('admin').waitFor({ state: 'detached' })

    await detail.getByRole('button', { name: 'Delete user…' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete this user?' })
    await confirm.getByRole('button', { name: 'Delete user' }).click()
    await confirm.waitFor({ state: 'detached' })
    await page.getByText('No user matches').waitFor()
    expect(await signInStatus(account)).toBeGreaterThanOrEqual(400)
    expect(page.errors).toEqual([])
    await page.context().close()
  })

  it("shows the server's refusal when an admin bans themself", async () => {
    const page = await h.newPage()
    await h.openDashboard(page, { path: 'users' })
    await page.getByLabel('Search users').fill(h.admin.email)
    await page.getByRole('row').filter({ hasText: h.admin.email }).click()
    const detail = page.getByRole('complementary', { name: 'User details' })
    await detail.getByRole('button', { name: 'Ban…' }).click()
    const ban = page.getByRole('dialog', { name: `Ban ${h.admin.email}` })
    await ban.getByRole('button', { name: 'Ban user' }).click()
    await ban.getByRole('alert').waitFor()
    expect(await ban.getByRole('alert').textContent()).toMatch(/cannot ban or delete their own account/)
    // The refusal is the expected answer: Chromium logs it as a failed resource load.
    expect(page.errors.filter((e) => !/status of 400/.test(e))).toEqual([])
    await page.context().close()
  })

  it('lists the sign-up email in the outbox and opens it', async () => {
    // better-auth's sign-up sends the verification email (GoTrue's /signup, autoconfirmed here, sends none).
    const user = newAccount('outbox')
    const res = await fetch(`${h.floe.url}/auth/v1/sign-up/email`, {
      method: 'POST',
      headers: { apikey: h.floe.anonKey, 'content-type': 'application/json', origin: h.floe.url },
      body: JSON.stringify({ ...user, name: 'Outbox Reader' }),
    })
    expect(res.status).toBe(200)
    const page = await h.newPage()
    await h.openDashboard(page, { path: 'users' })
    await page.getByRole('tab', { name: 'Email outbox' }).click()
    const row = page.getByRole('row').filter({ hasText: user.email })
    await row.waitFor()
    await row.getByRole('button', { name: /Read email/ }).click()
    const body = page.getByTestId('outbox-email-body')
    await body.waitFor()
    expect(await body.textContent()).toMatch(/verify-email|verif/i)
    await h.screenshot(page, 'users-outbox')
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click()
    await page.setViewportSize({ width: 420, height: 800 })
    await page.getByRole('tab', { name: 'Users', exact: true }).click()
    await page.getByRole('row').filter({ hasText: user.email }).click()
    await page.waitForTimeout(400)
    await h.screenshot(page, 'users-narrow')
    expect(page.errors).toEqual([])
    await page.context().close()
  })
})
