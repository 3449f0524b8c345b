/**
 * The Settings screen: the project URL and the anon key (copyable), the service key hidden until
 * revealed (when the server lists its keys: GET /admin/v1/keys), the auth settings as
 * /auth/v1/settings states them, and the links to the API docs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveChromium, startDashboardHarness, type DashboardHarness } from './harness.js'

describe.skipIf(!haveChromium)('dashboard settings', () => {
  let h: DashboardHarness

  beforeAll(async () => {
    h = await startDashboardHarness()
  })
  afterAll(async () => {
    await h?.close()
  })

  it('shows the URL and keys, the auth settings and the docs links', async () => {
    const keysApi = (await fetch(`${h.floe.url}/admin/v1/keys`, { headers: { apikey: h.floe.serviceKey, authorization: `Bearer ${h.floe.serviceKey}` } })).status === 200
    const page = await h.newPage()
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await h.openDashboard(page, { path: 'settings' })
    await page.getByRole('heading', { name: 'Project URL and API keys' }).waitFor()

    await page.getByTestId('key-anon').waitFor()
    expect(await page.getByTestId('key-anon').locator('code').textContent()).toBe(h.floe.anonKey)
    await page.getByRole('button', { name: 'Copy anon key' }).click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(h.floe.anonKey)

    if (keysApi) {
      const service = page.getByTestId('key-service').locator('code')
      expect(await service.textContent()).not.toContain(h.floe.serviceKey)
      await page.getByRole('button', { name: 'Reveal' }).click()
      expect(await service.textContent()).toBe(h.floe.serviceKey)
    } else {
      await page.getByText('does not list its keys to the dashboard yet').waitFor()
    }

    await page.getByRole('heading', { name: 'Auth' }).waitFor()
    await page.getByText('Email and password').waitFor()
    expect(await page.getByRole('link', { name: 'API reference' }).getAttribute('href')).toBe('/docs')
    await h.screenshot(page, 'settings')
    // Without the keys API, its 404 is the expected answer (logged by Chromium as a failed load).
    expect(page.errors.filter((e) => keysApi || !e.includes('/admin/v1/keys'))).toEqual([])
    await page.context().close()
  })
})
