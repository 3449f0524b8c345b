/**
 * The dashboard's foundation in Chromium against a real `floe start`: served at /dashboard/
 * (public, CSP, SPA fallback), an admin signs in and sees the shell with every screen, the
 * sidebar collapses on a narrow window, a signed-in non-admin is told so and can sign out, the
 * setup screen reports a wrong token; and no page logs an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveChromium, isInViewport, startDashboardHarness, type DashboardHarness } from './harness.js'

const SCREENS = ['Table editor', 'Schema', 'Rules', 'SQL editor', 'Users', 'Storage', 'Jobs', 'Settings', 'API docs']

describe.skipIf(!haveChromium)('dashboard shell', () => {
  let h: DashboardHarness

  beforeAll(async () => {
    // No admin at first: the setup screens are tested before one exists.
    // LOG_LEVEL info: the start log's setup link is an info line.
    h = await startDashboardHarness({ createAdmin: false, floe: { env: { LOG_LEVEL: 'info' } } })
  })
  afterAll(async () => {
    await h?.close()
  })

  it('sends the sign-in screen to setup while there is no admin, and refuses a wrong setup token', async (ctx) => {
    const probe = await fetch(`${h.floe.url}/admin/v1/setup`)
    if (probe.status !== 200) ctx.skip(`GET /admin/v1/setup has not landed yet (${probe.status})`)
    const page = await h.newPage()
    await page.goto(h.dashboardUrl)
    await page.getByTestId('needs-setup').waitFor()
    await h.screenshot(page, 'signin-needs-setup')
    await page.getByRole('link', { name: 'setup screen' }).click()
    await page.getByText('needs the one-time setup link').waitFor()

    await page.goto(`${h.dashboardUrl}setup?token=wrong-token`)
    await page.getByLabel('Email').fill('first-admin@floe.test')
    await page.getByLabel('Password').fill('a-long-password')
    await page.getByRole('button', { name: 'Create admin and sign in' }).click()
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').textContent()).toContain('The setup token is wrong')
    await h.screenshot(page, 'setup-wrong-token')
    // The refusal is the expected answer: Chromium logs it as a failed resource load.
    expect(page.errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([])
    await page.context().close()
  })

  it('creates the first admin from the start log\'s setup link and signs in', async (ctx) => {
    const link = /https?:\/\/\S+\/dashboard\/setup\?token=\S+/.exec(h.floe.output())?.[0]
    if (!link) ctx.skip('the server prints no setup link yet')
    const admin = { email: 'first-admin@floe.test', password: 'first-admin-password' }
    const page = await h.newPage()
    const printed = new URL(link!)
    await page.goto(`${h.floe.url}${printed.pathname}${printed.search}`)
    await page.getByLabel('Name').fill('First Admin')
    await page.getByLabel('Email').fill(admin.email)
    await page.getByLabel('Password').fill(admin.password)
    await page.getByRole('button', { name: 'Create admin and sign in' }).click()
    await page.getByRole('navigation').getByRole('link', { name: 'Table editor' }).waitFor()
    h.useAdmin(admin)
    expect(page.errors).toEqual([])
    await page.context().close()
  })

  it('is served at /dashboard/ without credentials, with its CSP and the SPA fallback', async () => {
    const redirect = await fetch(`${h.floe.url}/dashboard`, { redirect: 'manual' })
    expect(redirect.status).toBe(301)
    expect(redirect.headers.get('location')).toBe('/dashboard/')

    const deep = await fetch(`${h.floe.url}/dashboard/users/some/deep/link`)
    expect(deep.status).toBe(200)
    expect(deep.headers.get('content-type')).toMatch(/text\/html/)
    expect(deep.headers.get('cache-control')).toBe('no-cache')
    expect(deep.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'/)
    const html = await deep.text()
    const asset = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(asset).toBeDefined()
    const js = await fetch(`${h.floe.url}${asset}`)
    expect(js.status).toBe(200)
    expect(js.headers.get('cache-control')).toMatch(/immutable/)

    expect((await fetch(`${h.floe.url}/dashboard/assets/missing-abc123.js`)).status).toBe(404)
    const config = await fetch(`${h.floe.url}/dashboard/config.json`)
    expect(config.status).toBe(200)
    expect(await config.json()).toEqual({ url: h.floe.url, anon_key: h.floe.anonKey })
  })

  it('signs an admin in and shows the shell with every screen', async () => {
    const page = await h.newPage()
    await h.openDashboard(page)
    expect(new URL(page.url()).pathname).toBe('/dashboard/tables')
    const nav = page.getByRole('navigation')
    for (const name of SCREENS) expect(await nav.getByRole('link', { name }).isVisible(), name).toBe(true)
    // The screen itself (a lazy chunk) has rendered its title; other helpers own its content.
    await page.locator('main h1').first().waitFor()
    await h.screenshot(page, 'shell')

    await nav.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
    // A reload keeps the session (localStorage) and the screen (SPA fallback).
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
    // Until admin/router.ts mounts the keys routes, Settings' GET /admin/v1/keys is a 404 it handles.
    expect(page.errors.filter((e) => !e.includes('/admin/v1/keys'))).toEqual([])
    await page.context().close()
  })

  it('collapses the sidebar on a narrow window', async () => {
    const page = await h.newPage({ width: 420, height: 800 })
    await h.openDashboard(page, { path: 'users' }).catch(async () => {
      // On a narrow window the nav links are hidden in the drawer: wait for the heading instead.
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor()
    })
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor()
    expect(await isInViewport(page.getByRole('link', { name: 'Schema' }))).toBe(false)
    await h.screenshot(page, 'shell-narrow')
    await page.getByRole('button', { name: 'Open menu' }).click()
    await page.waitForTimeout(300) // the drawer slides in
    expect(await isInViewport(page.getByRole('link', { name: 'Schema' }))).toBe(true)
    await h.screenshot(page, 'shell-narrow-menu')
    await page.getByRole('link', { name: 'Schema' }).click()
    await page.getByRole('heading', { level: 1, name: 'Schema' }).waitFor()
    await page.waitForTimeout(300)
    expect(await isInViewport(page.getByRole('link', { name: 'Rules' }))).toBe(false)
    expect(page.errors).toEqual([])
    await page.context().close()
  })

  it('tells a signed-in non-admin that the account is not an admin, and signs them out', async () => {
    const user = await h.createUser()
    const page = await h.newPage()
    await page.goto(h.dashboardUrl)
    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill(user.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'This account is not an admin' }).waitFor()
    expect(await page.getByTestId('not-admin').textContent()).toContain(user.email)
    await h.screenshot(page, 'not-admin')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    // The 403 from /admin/v1 is the expected answer: Chromium logs it as a failed resource load.
    expect(page.errors.filter((e) => !/status of 403/.test(e))).toEqual([])
    await page.context().close()
  })
})
