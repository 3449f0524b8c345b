/**
 * The rules screen in Chromium against a real `floe start`: a notes table with RLS on and no
 * rule is listed as a warning, the explainer says neither its owner A nor B can see A's row, the
 * owner_only template added on owner_id changes the answer (A sees it, the rule named; B does
 * not) and clears the warning; a bad custom expression is refused under its field.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveChromium, startDashboardHarness, type DashboardHarness, type DashboardPage } from './harness.js'

async function sql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(text, params)).rows as T[]
  } finally {
    await c.end()
  }
}

describe.skipIf(!haveChromium)('dashboard rules', () => {
  let h: DashboardHarness
  let page: DashboardPage
  let a: { email: string }
  let b: { email: string }
  let noteId: string

  beforeAll(async () => {
    h = await startDashboardHarness()
    ;[a, b] = [await h.createUser(), await h.createUser()]
    const [owner] = await sql<{ id: string }>(h.floe.databaseUrl, 'select id from auth.users where email = $1', [a.email])
    // The e2e schema's notes has an owner rule: drop it, so notes has RLS on and no rule at all.
    await sql(h.floe.databaseUrl, 'drop policy notes_owner on public.notes; delete from public.notes')
    const [note] = await sql<{ id: string }>(h.floe.databaseUrl, `insert into public.notes (owner_id, body) values ($1, 'A''s note') returning id::text as id`, [owner!.id])
    noteId = note!.id
    page = await h.newPage()
    await h.openDashboard(page)
    await page.getByRole('navigation').getByRole('link', { name: 'Rules' }).click()
    await page.getByRole('heading', { name: 'Rules', exact: true }).waitFor()
  })
  afterAll(async () => {
    await h?.close()
  })

  const warnings = () => page.getByRole('region', { name: 'Warnings' })

  async function explain(email: string): Promise<{ outcome: string; text: string }> {
    const explainer = page.getByRole('region', { name: 'Explain' })
    await explainer.getByLabel('As user').selectOption({ label: email })
    await explainer.getByLabel('Operation').selectOption('select')
    await explainer.getByLabel('Row id').fill(noteId)
    const answered = page.waitForResponse((r) => r.url().includes('/rules/explain'))
    await explainer.getByRole('button', { name: 'Explain' }).click()
    await answered
    const answer = explainer.getByTestId('explanation')
    await answer.waitFor()
    return { outcome: (await answer.getAttribute('data-outcome')) ?? '', text: (await answer.textContent()) ?? '' }
  }

  it('lists notes among the warnings and opens it from there', async () => {
    await warnings().locator('[data-table="public.notes"]').waitFor()
    await warnings().locator('[data-table="public.notes"]').getByRole('button', { name: /Add a rule/ }).click()
    await page.getByRole('region', { name: 'Rules of public.notes' }).getByText('No rules').waitFor()
  })

  it('explains that neither B nor the owner A can see the row while there is no rule', async () => {
    const forB = await explain(b.email)
    expect(forB.outcome).toBe('hidden')
    expect(forB.text).toContain('No rule allows authenticated')
    const forA = await explain(a.email)
    expect(forA.outcome).toBe('hidden')
  })

  it('shows the server\'s refusal of a bad custom rule under its field', async () => {
    await page.getByRole('button', { name: 'Add a rule' }).first().click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('Custom').click()
    await dialog.getByLabel(/^Using/).fill('no_such_column = 1')
    await dialog.getByRole('button', { name: 'Add rule' }).click()
    await expect.poll(() => dialog.locator('.field-error').textContent()).toContain('no_such_column')
    await h.screenshot(page, 'rules-rule-error')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
  })

  it('adds the owner_only template on owner_id: A now sees the row by that rule, B still not, the warning is gone', async () => {
    await page.getByRole('button', { name: 'Add a rule' }).first().click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel(/^Template/).selectOption('owner_only')
    await dialog.getByLabel(/Owner column/).selectOption('owner_id')
    await dialog.getByLabel('Name').fill('notes_owner_only')
    await h.screenshot(page, 'rules-add-rule')
    await dialog.getByRole('button', { name: 'Add rule' }).click()
    await dialog.waitFor({ state: 'detached' })
    const rules = page.getByRole('region', { name: 'Rules of public.notes' })
    await rules.getByRole('cell', { name: 'notes_owner_only', exact: true }).waitFor()
    expect(await rules.textContent()).toContain('owner_id = ( SELECT auth.uid() AS uid)')

    const forA = await explain(a.email)
    expect(forA.outcome).toBe('visible')
    expect(forA.text).toContain('Allowed by notes_owner_only')
    await h.screenshot(page, 'rules-explain-allowed')
    const forB = await explain(b.email)
    expect(forB.outcome).toBe('hidden')
    expect(forB.text).toContain('notes_owner_only')

    await expect.poll(() => warnings().locator('[data-table="public.notes"]').count()).toBe(0)
    await h.screenshot(page, 'rules-editor')
  })

  it('asks before turning RLS off, saying what it opens', async () => {
    await page.getByRole('switch', { name: 'Row-level security' }).click()
    const dialog = page.getByRole('dialog')
    expect(await dialog.textContent()).toContain('every row')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect(await page.getByRole('switch', { name: 'Row-level security' }).getAttribute('aria-checked')).toBe('true')
    expect(page.errors.filter((e) => !/status of 400/.test(e))).toEqual([])
  })

  it('edits a rule and deletes it after confirming, and the warning comes back', async () => {
    const rules = page.getByRole('region', { name: 'Rules of public.notes' })
    await rules.getByRole('row', { name: /notes_owner_only/ }).getByRole('button', { name: 'Edit' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('Operation').selectOption('select')
    await dialog.getByRole('button', { name: 'Save rule' }).click()
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => rules.getByRole('row', { name: /notes_owner_only/ }).textContent()).toMatch(/notes_owner_onlyselect/)

    await rules.getByRole('button', { name: 'Delete rule notes_owner_only' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete rule' }).click()
    await rules.getByText('No rules').waitFor()
    await warnings().locator('[data-table="public.notes"]').waitFor()
  })

  it('fits a narrow window', async () => {
    const narrow = await h.newPage({ width: 390, height: 844 })
    await narrow.goto(`${h.dashboardUrl}rules?table=public.notes`)
    await narrow.getByLabel('Email').fill(h.admin.email)
    await narrow.getByLabel('Password').fill(h.admin.password)
    await narrow.getByRole('button', { name: 'Sign in' }).click()
    await narrow.getByRole('heading', { level: 1, name: 'Rules' }).waitFor()
    await narrow.getByRole('region', { name: 'Rules of public.notes' }).waitFor()
    await h.screenshot(narrow, 'rules-editor-narrow')
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    expect(narrow.errors).toEqual([])
    await narrow.context().close()
  })
})
