/**
 * Issue 19: `/docs` renders with no network beyond this machine. Chromium opens the page of a
 * real `floe start` with every request to another host aborted; the reference shows the
 * platform's operations, nothing was asked of another host, and the console stayed clean
 * (a CSP violation would show there).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
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
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 20_000 }).toBeGreaterThan(3)
    // Swagger UI renders a long document as it scrolls into view: scroll through it, noting the
    // operations shown (method and path), until the bottom.
    const seen = new Set<string>()
    for (let i = 0; i < 400; i++) {
      for (const op of await page.locator('.opblock-summary').allInnerTexts()) seen.add(op.replace(/\s+/g, ' ').trim())
      const atBottom = await page.evaluate(() => window.scrollY + window.innerHeight >= document.body.scrollHeight - 2)
      if (atBottom && i > 0) break
      await page.mouse.wheel(0, 600)
      await page.waitForTimeout(50)
    }
    const shown = [...seen].join('\n')
    expect(seen.size, shown).toBeGreaterThan(150)
    for (const op of ['POST /auth/v1/token', 'POST /auth/v1/sign-in/email', 'POST /storage/v1/object/{bucket}/{name}', 'GET /rest/v1/{name}', 'PUT /jobs/v1/admin/queues/{queue}']) {
      expect(shown, op).toContain(op)
    }
    expect(elsewhere).toEqual([])
    expect(problems).toEqual([])
    await page.screenshot({ path: fileURLToPath(new URL('../test-results/screenshots/docs-offline.png', import.meta.url)), fullPage: false })
    await page.close()
  })
})
