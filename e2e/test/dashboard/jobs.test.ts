/**
 * The Jobs screen in Chromium against a real `floe start` with the machine's Redis: a queue whose
 * handler always fails, a job enqueued with the service key, seen failed with its error in the
 * screen, retried from there (it runs again), the queue paused and resumed; dead letters listed.
 * Without Redis the screen says jobs are off, in the server's words.
 */
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRedisReachable } from '../floe.js'
import { haveChromium, startDashboardHarness, type DashboardHarness } from './harness.js'

const redisUp = await isRedisReachable()
if (!redisUp) console.warn('e2e: the Jobs screen test with jobs on is skipped: no Redis at 127.0.0.1:6379 (or E2E_REDIS_URL)')
const FUNCTIONS_DIR = fileURLToPath(new URL('./functions/', import.meta.url))

describe.skipIf(!haveChromium || !redisUp)('dashboard jobs (Redis)', () => {
  let h: DashboardHarness
  const queue = `fails-${randomBytes(3).toString('hex')}`
  const service = () => ({ apikey: h.floe.serviceKey, authorization: `Bearer ${h.floe.serviceKey}`, 'content-type': 'application/json' })

  beforeAll(async () => {
    h = await startDashboardHarness({ floe: { redis: true, env: { FLOE_FUNCTIONS_DIR: FUNCTIONS_DIR } } })
    const res = await fetch(`${h.floe.url}/jobs/v1/admin/queues/${queue}`, {
      method: 'PUT',
      headers: service(),
      body: JSON.stringify({ handler: 'e2e-fail', attempts: 2, backoff_type: 'fixed', backoff_ms: 100 }),
    })
    if (!res.ok) throw new Error(`declaring ${queue}: ${res.status} ${await res.text()}`)
  })
  afterAll(async () => {
    await h?.close()
  })

  it('shows a failed job with its error, retries it, pauses and resumes the queue', async () => {
    const enq = await fetch(`${h.floe.url}/jobs/v1/${queue}`, { method: 'POST', headers: service(), body: JSON.stringify({ payload: { order: 42 } }) })
    expect(enq.status).toBe(202)
    const { id } = (await enq.json()) as { id: string }
    await expect
      .poll(async () => ((await (await fetch(`${h.floe.url}/jobs/v1/${queue}/${id}`, { headers: service() })).json()) as { state: string }).state, { timeout: 20_000 })
      .toBe('failed')

    const page = await h.newPage()
    await h.openDashboard(page, { path: 'jobs' })
    await page.getByTestId('jobs-updated').waitFor()
    await page.getByRole('table', { name: 'Queues' }).getByRole('button', { name: queue }).click()
    await expect.poll(() => page.getByTestId(`count-${queue}-failed`).textContent()).toBe('1')
    const panel = page.getByRole('region', { name: `Queue ${queue}` })
    const row = panel.getByRole('row').filter({ hasText: id })
    await row.waitFor()
    expect(await row.textContent()).toContain('boom: run 2')

    await row.getByRole('button', { name: id }).click()
    const dialog = page.getByRole('dialog', { name: `Job ${id}` })
    expect(await dialog.getByTestId('job-state').textContent()).toBe('failed')
    expect(await dialog.getByTestId('job-attempts').textContent()).toBe('2')
    expect(await dialog.getByTestId('job-failed-reason').textContent()).toBe('boom: run 2')
    expect(await dialog.getByTestId('job-payload').textContent()).toContain('"order": 42')
    await dialog.getByRole('button', { name: 'Retry job' }).click()
    // The retry starts the job afresh (the server resets its attempt count): it runs twice more.
    await expect.poll(() => dialog.getByTestId('job-failed-reason').textContent(), { timeout: 20_000 }).toBe('boom: run 4')
    await expect.poll(() => dialog.getByTestId('job-state').textContent()).toBe('failed')
    expect(await dialog.getByTestId('job-attempts').textContent()).toBe('2')
    await dialog.getByRole('button', { name: 'Close' }).click()

    await panel.getByRole('button', { name: 'Pause queue' }).click()
    await panel.getByTestId('queue-paused').waitFor()
    // Paused: a new job waits instead of running.
    const held = await fetch(`${h.floe.url}/jobs/v1/${queue}`, { method: 'POST', headers: service(), body: JSON.stringify({ payload: { order: 43 } }) })
    const heldId = ((await held.json()) as { id: string }).id
    await new Promise((r) => setTimeout(r, 1500))
    const heldState = ((await (await fetch(`${h.floe.url}/jobs/v1/${queue}/${heldId}`, { headers: service() })).json()) as { state: string }).state
    expect(heldState).not.toBe('failed')
    await h.screenshot(page, 'jobs')
    await panel.getByRole('button', { name: 'Resume queue' }).click()
    await panel.getByTestId('queue-paused').waitFor({ state: 'detached' })
    await expect.poll(() => page.getByTestId(`count-${queue}-failed`).textContent(), { timeout: 20_000 }).toBe('2')

    await page.getByRole('tab', { name: /Dead letters/ }).click()
    await page.getByRole('table', { name: 'Dead letters' }).getByRole('row').filter({ hasText: id }).waitFor()
    expect(page.errors).toEqual([])
    await page.context().close()
  })

  it("adds and deletes a queue's cron schedule, and a database webhook", async () => {
    const page = await h.newPage()
    await h.openDashboard(page, { path: `jobs?queue=${queue}` })
    const panel = page.getByRole('region', { name: `Queue ${queue}` })
    await panel.getByRole('tab', { name: 'Schedules' }).click()
    const form = panel.getByRole('form', { name: 'Add a schedule' })
    await form.getByLabel('Id', { exact: true }).fill('nightly')
    await form.getByLabel('Cron', { exact: true }).fill('0 3 * * *')
    await form.getByLabel('Time zone').fill('Europe/Paris')
    await form.getByLabel('Payload (JSON)').fill('{"report":"daily"}')
    await form.getByRole('button', { name: 'Add schedule' }).click()
    const schedule = panel.getByRole('table', { name: 'Schedules' }).getByRole('row').filter({ hasText: 'nightly' })
    await schedule.waitFor()
    expect(await schedule.textContent()).toContain('0 3 * * * (Europe/Paris)')
    await form.getByLabel('Cron', { exact: true }).fill('not a cron')
    await form.getByLabel('Id', { exact: true }).fill('broken')
    await form.getByRole('button', { name: 'Add schedule' }).click()
    await form.getByRole('alert').waitFor()
    await h.screenshot(page, 'jobs-schedules')
    await schedule.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('dialog', { name: 'Delete schedule nightly?' }).getByRole('button', { name: 'Delete schedule' }).click()
    await schedule.waitFor({ state: 'detached' })

    await page.getByRole('tab', { name: 'Webhooks' }).click()
    await page.getByRole('button', { name: 'New webhook' }).click()
    const dialog = page.getByRole('dialog', { name: 'New webhook' })
    await dialog.getByLabel('Name', { exact: true }).fill('note-added')
    await dialog.getByLabel('Table', { exact: true }).fill('notes')
    await dialog.getByLabel('URL', { exact: true }).fill('https://example.com/hooks/notes')
    await dialog.getByRole('button', { name: 'Create webhook' }).click()
    await page.getByRole('dialog', { name: 'Webhook note-added created' }).getByRole('button', { name: 'Done' }).click()
    const hook = page.getByRole('table', { name: 'Webhooks list' }).getByRole('row').filter({ hasText: 'note-added' })
    await hook.waitFor()
    expect(await hook.textContent()).toContain('public.notes')
    await hook.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('dialog', { name: 'Delete webhook note-added?' }).getByRole('button', { name: 'Delete webhook' }).click()
    await hook.waitFor({ state: 'detached' })

    await page.setViewportSize({ width: 420, height: 800 })
    await page.getByRole('tab', { name: 'Queues' }).click()
    await page.waitForTimeout(400)
    await h.screenshot(page, 'jobs-narrow')
    // The bad cron's 400 is the expected answer: Chromium logs it as a failed resource load.
    expect(page.errors.filter((e) => !/status of 400/.test(e))).toEqual([])
    await page.context().close()
  })
})

describe.skipIf(!haveChromium)('dashboard jobs (no Redis)', () => {
  let h: DashboardHarness
  beforeAll(async () => {
    h = await startDashboardHarness()
  })
  afterAll(async () => {
    await h?.close()
  })

  it("says jobs are off, in the server's words", async () => {
    const page = await h.newPage()
    await h.openDashboard(page, { path: 'jobs' })
    const off = page.getByTestId('jobs-off')
    await off.waitFor()
    expect(await off.textContent()).toMatch(/^Jobs are off: .+/)
    await h.screenshot(page, 'jobs-off')
    // The 503 is the expected answer: Chromium logs it as a failed resource load.
    expect(page.errors.filter((e) => !/status of 503/.test(e))).toEqual([])
    await page.context().close()
  })
})
