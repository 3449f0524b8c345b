/**
 * Issue 19: `/docs` renders with no network beyond this machine. Chromium opens the page of a
 * real `floe start` with every request to another host aborted; the reference shows the
 * platform's operations, nothing was asked of another host, and the console stayed clean
 * (a CSP violation would show there).
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFloe, type Floe } from './floe.js'

const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium'

describe.skipIf(!existsSync(CHROMIUM))('/docs offline', () => {
  let floe: Floe
  let browser: Browser

  beforeAll(async () => {
    floe = await startFloe()
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  })
  afterAll(async () => {
    await browser?.close()
    await floe?.stop()
  })

  it('renders the operations from this origin alone', async () => {
    const page = await browser.newPage()
    const origin = new URL(floe.url).origin
    const elsewhere: string[] = []
    const problems: string[] = []
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (new URL(url).origin === origin) return route.continue()
      elsewhere.push(url)
      return route.abort('internetdisconnected')
    })
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
    page.on('pageerror', (e) => problems.push(e.message))

    await page.goto(`${floe.url}/docs`)
    // An operation of the platform document: its path and summary are shown.
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 20_000 }).toBeGreaterThan(30)
    await expect.poll(() => page.getByText('/storage/v1/bucket', { exact: true }).first().isVisible()).toBe(true)
    expect(elsewhere).toEqual([])
    expect(problems).toEqual([])
    await page.close()
  })
})
