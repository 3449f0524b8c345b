/**
 * The SQL editor in Chromium against a real `floe start`: a query as the owner sees the e2e notes
 * row, the same query as anon gets Postgres' refusal, an error is marked at its position in the
 * editor, a script of several statements shows one result per statement, and history restores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveChromium, startDashboardHarness, type DashboardHarness, type DashboardPage } from './harness.js'

/** Replaces the editor's text (CodeMirror: a contenteditable, not an input). */
async function typeSql(page: DashboardPage, text: string) {
  const content = page.locator('.sql-editor .cm-content')
  await content.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(text)
  await page.keyboard.press('Escape') // a completion popup, if any
}

describe.skipIf(!haveChromium)('dashboard SQL editor', () => {
  let h: DashboardHarness
  let page: DashboardPage

  beforeAll(async () => {
    h = await startDashboardHarness()
    page = await h.newPage()
    await h.openDashboard(page, { path: 'sql' })
    await page.getByRole('heading', { name: 'SQL editor' }).waitFor()
  })
  afterAll(async () => {
    await h?.close()
  })

  it('runs a query as the owner and sees the rows, with column names and types', async () => {
    await typeSql(page, 'select id, body, null::text as nothing from public.notes')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    const results = page.getByTestId('sql-results')
    await results.waitFor()
    await expect.poll(() => results.textContent()).toContain('someone else’s note')
    const headers = await results.locator('th').allTextContents()
    expect(headers).toContain('bodytext')
    expect(headers).toContain('idint8')
    expect(await results.locator('.sql-null').count()).toBe(1)
    expect(await results.textContent()).toContain('1 row')
  })

  it('runs the same query as anon and sees what the rules let anon see', async () => {
    await page.getByLabel('Run as').selectOption('anon')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    // Public tables are granted to anon by default, and no rule of notes lets anon read: no rows
    // (or Postgres' refusal, were the grant revoked).
    await expect
      .poll(async () => (await page.locator('[data-testid=sql-results], [data-testid=sql-error]').textContent()) ?? '')
      .toMatch(/as anon.*No rows\.|permission denied for table notes/s)
  })

  it('runs as a signed-in user with no note of theirs and sees none', async () => {
    await page.getByLabel('Run as').selectOption('authenticated')
    await page.getByLabel('User id').fill('00000000-0000-4000-8000-000000000001')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    const results = page.getByTestId('sql-results')
    await results.waitFor()
    expect(await results.textContent()).toContain('No rows.')
    await page.getByLabel('Run as').selectOption('owner')
  })

  it('marks an error at its position in the editor', async () => {
    await typeSql(page, 'select id,\n  bodyy\nfrom public.notes')
    await page.keyboard.press('ControlOrMeta+Enter')
    const err = page.getByTestId('sql-error')
    await err.waitFor()
    expect(await err.textContent()).toContain('column "bodyy" does not exist')
    expect(await err.textContent()).toContain('line 2, column 3')
    await expect.poll(() => page.locator('.sql-editor .cm-sql-error').textContent()).toBe('bodyy')
    await h.screenshot(page, 'sql-editor-error')
  })

  it('shows one result per statement of a script, and history restores a query', async () => {
    await typeSql(page, "select 1 as one;\nselect 'a' as letter, null as missing;\ncreate temp table scratch (x int);\ndo $$ begin raise notice 'hello from the script'; end $$;")
    await page.keyboard.press('ControlOrMeta+Enter')
    const results = page.getByTestId('sql-results')
    await results.waitFor()
    const tabs = results.getByRole('tab')
    await expect.poll(() => tabs.count()).toBe(4)
    expect(await results.textContent()).toContain('hello from the script')
    await tabs.nth(1).click()
    expect(await results.locator('.sql-null').count()).toBe(1)
    expect(await results.locator('th').allTextContents()).toContain('lettertext')
    await h.screenshot(page, 'sql-editor')

    await page.getByRole('complementary', { name: 'Query history' }).getByText('public.notes').first().click()
    await expect.poll(() => page.locator('.sql-editor .cm-content').textContent()).toContain('bodyy')
    expect(page.errors.filter((e) => !/status of 400/.test(e))).toEqual([])
  })

  it('runs only the selection, and marks an error in it at its place in the whole text', async () => {
    await typeSql(page, 'select 1 as first;\nselect nosuchcol from public.notes;')
    await page.keyboard.press('End') // the end of line 2
    await page.keyboard.press('Shift+Home')
    await page.getByRole('button', { name: 'Run selection' }).click()
    const err = page.getByTestId('sql-error')
    await err.waitFor()
    expect(await err.textContent()).toContain('column "nosuchcol" does not exist')
    await expect.poll(() => page.locator('.sql-editor .cm-sql-error').textContent()).toBe('nosuchcol')

    await typeSql(page, 'select 1 as first;\nselect 2 as second;')
    await page.keyboard.press('Shift+Home')
    await page.keyboard.press('ControlOrMeta+Shift+Enter')
    const results = page.getByTestId('sql-results')
    await results.waitFor()
    expect(await results.textContent()).toContain('1 statement')
    expect(await results.locator('th').allTextContents()).toContain('secondint4')
  })

  it('completes table names from the schema, a table the editor just created included', async () => {
    await typeSql(page, 'create table public.widgets (id int primary key, label text)')
    await page.keyboard.press('ControlOrMeta+Enter')
    await page.getByTestId('sql-results').getByText('CREATE TABLE').waitFor()
    await typeSql(page, 'select * from public.wi')
    await page.keyboard.press('Control+Space')
    const widgets = page.locator('.cm-tooltip-autocomplete')
    await expect.poll(async () => (await widgets.count()) > 0 && ((await widgets.textContent()) ?? '').includes('widgets')).toBe(true)
    await page.keyboard.press('Escape')

    await typeSql(page, 'select * from public.no')
    await page.keyboard.press('Control+Space')
    const list = page.locator('.cm-tooltip-autocomplete')
    await list.waitFor()
    expect(await list.textContent()).toContain('notes')
    await page.keyboard.press('Escape')
  })

  it('explains a refused transaction-control statement and marks it', async () => {
    await typeSql(page, 'select 1;\ncommit;')
    await page.keyboard.press('ControlOrMeta+Enter')
    const err = page.getByTestId('sql-error')
    await err.waitFor()
    expect(await err.textContent()).toMatch(/line 2/)
    await expect.poll(() => page.locator('.sql-editor .cm-sql-error').textContent()).toMatch(/^commit/i)
  })

  it('fits a narrow window', async () => {
    const narrow = await h.newPage({ width: 390, height: 844 })
    await narrow.goto(`${h.dashboardUrl}sql`)
    await narrow.getByLabel('Email').fill(h.admin.email)
    await narrow.getByLabel('Password').fill(h.admin.password)
    await narrow.getByRole('button', { name: 'Sign in' }).click()
    await narrow.getByRole('heading', { level: 1, name: 'SQL editor' }).waitFor()
    await narrow.getByRole('button', { name: 'Run', exact: true }).click()
    await narrow.getByTestId('sql-results').waitFor()
    await h.screenshot(narrow, 'sql-editor-narrow')
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    expect(narrow.errors).toEqual([])
    await narrow.context().close()
  })
})
