/**
 * What every dashboard test needs: the dashboard built (into the repository's dashboard/dist,
 * which the server serves), a real `floe start`, accounts (an admin and plain users), Chromium,
 * a page that records console errors, `openDashboard(page)` to sign in and land in the shell,
 * and screenshots under e2e/test-results/screenshots/<name>.png.
 *
 * @example
 * const h = await startDashboardHarness()            // beforeAll
 * const page = await h.newPage()
 * await h.openDashboard(page)                          // signed in as h.admin, shell visible
 * await page.getByRole('link', { name: 'Users' }).click()
 * await h.screenshot(page, 'users')
 * expect(page.errors).toEqual([])
 * await h.close()                                      // afterAll
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { build } from 'vite'
import { query, startFloe, type Floe, type StartFloeOptions } from '../floe.js'

export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium'
export const haveChromium = existsSync(CHROMIUM)
if (!haveChromium) console.warn(`e2e: dashboard tests skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set E2E_CHROMIUM)`)

const DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/', import.meta.url))
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url))

export interface Account {
  email: string
  password: string
}

/** A page that remembers console errors and uncaught exceptions (assert `page.errors` is empty). */
export type DashboardPage = Page & { errors: string[] }

export interface DashboardHarness {
  floe: Floe
  browser: Browser
  /** The admin account openDashboard signs in with (created at start unless `createAdmin: false`). */
  readonly admin: Account
  /** The admin, created now if there is none yet (after `createAdmin: false`). */
  ensureAdmin(): Promise<Account>
  /** Makes `account` the one openDashboard signs in with (e.g. the admin a setup test created). */
  useAdmin(account: Account): void
  /** The dashboard's base URL: http://127.0.0.1:<port>/dashboard/ */
  dashboardUrl: string
  /** A new account; `admin: true` gives it the admin role. */
  createUser(opts?: { admin?: boolean; email?: string }): Promise<Account>
  /** A fresh browser context (its own localStorage), 1280×800 unless told otherwise. */
  newPage(viewport?: { width: number; height: number }): Promise<DashboardPage>
  /** Signs in (as the admin unless told otherwise) and waits for the shell. `path`: a screen, e.g. 'tables'. */
  openDashboard(page: Page, opts?: { account?: Account; path?: string }): Promise<void>
  /** Saves e2e/test-results/screenshots/<name>.png. */
  screenshot(page: Page, name: string): Promise<string>
  close(): Promise<void>
}

let built: Promise<void> | undefined

/**
 * Builds the dashboard from the working tree, once per test file. emptyOutDir is off: a server
 * another test file (or another person) started keeps finding the hashed assets its index.html
 * names while this build adds its own.
 */
export function buildDashboard(): Promise<void> {
  built ??= build({ root: DASHBOARD_DIR, logLevel: 'warn', build: { emptyOutDir: false } }).then(() => undefined)
  return built
}

export async function signUp(floe: Floe, account: Account): Promise<void> {
  const res = await fetch(`${floe.url}/auth/v1/signup`, {
    method: 'POST',
    headers: { apikey: floe.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify(account),
  })
  if (!res.ok) throw new Error(`sign-up of ${account.email}: ${res.status} ${await res.text()}`)
}

/** Until every test can use the setup API: the admin role set in the database, as better-auth's admin plugin stores it. */
export async function makeAdmin(floe: Floe, email: string): Promise<void> {
  await query(floe.databaseUrl, `update auth.users set role = 'admin' where email = $1`, [email])
}

export function newAccount(prefix = 'user'): Account {
  return { email: `${prefix}-${randomBytes(4).toString('hex')}@floe.test`, password: `pw-${randomBytes(8).toString('hex')}` }
}

/**
 * `createAdmin: false` starts with no admin at all (the first-admin setup screen's state); the
 * admin is then made on first need. `floe` passes options to startFloe (e.g. `{ redis: true }`).
 */
export async function startDashboardHarness(opts: { createAdmin?: boolean; floe?: StartFloeOptions } = {}): Promise<DashboardHarness> {
  const [floe] = await Promise.all([startFloe(opts.floe), buildDashboard()])
  let browser: Browser | undefined
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
    const dashboardUrl = `${floe.url}/dashboard/`
    const createUser: DashboardHarness['createUser'] = async (opts = {}) => {
      const account = opts.email ? { ...newAccount(), email: opts.email } : newAccount(opts.admin ? 'admin' : 'user')
      await signUp(floe, account)
      if (opts.admin) await makeAdmin(floe, account.email)
      return account
    }
    let admin: Account | undefined = opts.createAdmin === false ? undefined : await createUser({ admin: true })
    const ensureAdmin = async () => (admin ??= await createUser({ admin: true }))
    const b = browser
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    return {
      floe,
      browser: b,
      get admin() {
        if (!admin) throw new Error('no admin yet: await h.ensureAdmin() first')
        return admin
      },
      ensureAdmin,
      useAdmin: (account) => void (admin = account),
      dashboardUrl,
      createUser,
      async newPage(viewport = { width: 1280, height: 800 }) {
        const context = await b.newContext({ viewport })
        const page = (await context.newPage()) as DashboardPage
        page.errors = []
        page.on('console', (msg) => {
          // A failed fetch is logged by Chromium without its URL in the text: add it, so a test can
          // allow the one answer it expects (e.g. /admin/v1/setup's 403) and nothing else.
          if (msg.type() !== 'error') return
          const where = msg.location().url
          page.errors.push(`console.error: ${msg.text()}${/Failed to load resource/.test(msg.text()) && where ? ` (${where})` : ''}`)
        })
        page.on('pageerror', (err) => page.errors.push(`uncaught: ${err.message}`))
        return page
      },
      async openDashboard(page, opts = {}) {
        const account = opts.account ?? (await ensureAdmin())
        await page.goto(`${dashboardUrl}${opts.path ?? ''}`)
        await page.getByLabel('Email').fill(account.email)
        await page.getByLabel('Password').fill(account.password)
        await page.getByRole('button', { name: 'Sign in' }).click()
        await page.getByRole('navigation').getByRole('link', { name: 'Table editor' }).waitFor()
      },
      async screenshot(page, name) {
        const file = `${SCREENSHOT_DIR}${name}.png`
        await page.screenshot({ path: file, fullPage: true })
        return file
      },
      async close() {
        await b.close()
        await floe.stop()
      },
    }
  } catch (err) {
    await browser?.close()
    await floe.stop()
    throw err
  }
}

/** Whether any of the element's box is inside the window (a closed drawer's links are not). */
export async function isInViewport(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect()
    return r.right > 0 && r.bottom > 0 && r.left < window.innerWidth && r.top < window.innerHeight && r.width > 0
  })
}
