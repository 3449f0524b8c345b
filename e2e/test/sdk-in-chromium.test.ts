/**
 * The SDK's flows in a real browser: the Vite-built test page (app/) in Debian's Chromium
 * (/usr/bin/chromium, driven by playwright-core; no browser is downloaded) against a real
 * `floe start` on another origin. Sign up and sign in with email and password, insert and select
 * under an owner rule (a row of another owner stays hidden), upload a 1.5 MB `File` through the
 * TUS resumable endpoint with progress and download it back identical; the page logs no errors.
 * Without Chromium the suite is skipped and says why (.ci/run installs it with apt-get).
 */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FloeE2E, UploadOutcome } from '../app/main.js'
import { buildAndServeApp, type ServedApp } from './app.js'
import { BUCKET, FOREIGN_NOTE, startFloe, type Floe } from './floe.js'

const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium) {
  console.warn(`e2e: skipped, no Chromium at ${CHROMIUM} (install it: apt-get install -y chromium, or set E2E_CHROMIUM)`)
}

describe.skipIf(!haveChromium)('@floe/sdk in Chromium', () => {
  let floe: Floe | undefined
  let app: ServedApp | undefined
  let browser: Browser | undefined
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    ;[floe, app] = await Promise.all([startFloe(), buildAndServeApp()])
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    page = await browser.newPage()
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console.error: ${msg.text()}`)
    })
    page.on('pageerror', (err) => pageErrors.push(`uncaught: ${err.message}`))
    const query = new URLSearchParams({ url: floe.url, key: floe.anonKey })
    await page.goto(`${app.origin}/?${query}`)
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready')
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.allSettled([app?.close(), floe?.stop()])
  })

  /** Runs one of the page's flows (window.floeE2E) in the browser. */
  function run<K extends keyof FloeE2E>(name: K, ...args: Parameters<FloeE2E[K]>): Promise<Awaited<ReturnType<FloeE2E[K]>>> {
    return page.evaluate(
      ([n, a]) => (window.floeE2E[n] as (...x: unknown[]) => Promise<unknown>)(...a),
      [name, args] as const,
    ) as Promise<Awaited<ReturnType<FloeE2E[K]>>>
  }

  const email = `e2e-${randomBytes(4).toString('hex')}@floe.test`
  let userId = ''

  it('signs up, signs out and signs in with email and password', async () => {
    const res = await run('signUpAndSignIn', email, `pw-${randomBytes(8).toString('hex')}`)
    expect(res.signedInAs).toBe(email)
    expect(res.userId).toMatch(/^[0-9a-f-]{36}$/)
    userId = res.userId
  })

  it('inserts and selects its own rows; another owner’s row stays hidden', async () => {
    const first = await run('insertAndSelect', 'first from the browser')
    expect(first.inserted).toMatchObject({ owner_id: userId, body: 'first from the browser' })
    const second = await run('insertAndSelect', 'second')
    expect(second.visible).toEqual(['first from the browser', 'second'])
    expect(second.visible).not.toContain(FOREIGN_NOTE)
  })

  it('uploads a File with progress and downloads it back identical', async () => {
    const size = 1_500_000
    const res: UploadOutcome = await run('uploadFile', BUCKET, size)
    expect(res.path).toBe(`${userId}/random.bin`)
    expect(res.progress.length).toBeGreaterThan(1)
    const sent = res.progress.map(([s]) => s)
    expect(sent).toEqual([...sent].sort((a, b) => a - b))
    expect(res.progress.at(-1)).toEqual([size, size])
    expect(res.progress.some(([s]) => s > 0 && s < size)).toBe(true)
    expect(res.downloadedSize).toBe(size)
    expect(res.downloadedSha256).toBe(res.sha256)

    // And from outside the browser: the stored object has the page's bytes.
    const stored = await fetch(`${floe!.url}/storage/v1/object/${BUCKET}/${res.path}`, {
      headers: { apikey: floe!.serviceKey, authorization: `Bearer ${floe!.serviceKey}` },
    })
    expect(stored.status).toBe(200)
    expect(createHash('sha256').update(Buffer.from(await stored.arrayBuffer())).digest('hex')).toBe(res.sha256)
  })

  it('logged no errors on the page', () => {
    expect(pageErrors).toEqual([])
  })
})
