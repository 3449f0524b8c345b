/**
 * A database webhook's deliveries in the Jobs screen, in Chromium against a real `floe start` with
 * the machine's Redis: a webhook created from the screen to a receiver in this test process
 * (the server calls 127.0.0.1 like any URL), a row inserted, and its delivery attempts listed —
 * the first answered 500 (failed, retried), the retry 200 (ok).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRedisReachable, query } from '../floe.js'
import { haveChromium, startDashboardHarness, type DashboardHarness } from './harness.js'

const redisUp = await isRedisReachable()
if (!redisUp) console.warn('e2e: the webhook deliveries test is skipped: no Redis at 127.0.0.1:6379 (or E2E_REDIS_URL)')

describe.skipIf(!haveChromium || !redisUp)('dashboard webhook deliveries (Redis)', () => {
  let h: DashboardHarness
  let receiver: Server
  let base: string
  const answers = [500]
  const received: string[] = []

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => (body += d.toString()))
      req.on('end', () => {
        received.push(body)
        res.writeHead(answers.shift() ?? 200).end('ok')
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
    h = await startDashboardHarness({ floe: { redis: true } })
  })
  afterAll(async () => {
    await h?.close()
    receiver?.close()
  })

  it("lists a webhook's delivery attempts after a row change fires it", async () => {
    const page = await h.newPage()
    await h.openDashboard(page, { path: 'jobs?view=webhooks' })
    await page.getByRole('button', { name: 'New webhook' }).click()
    const dialog = page.getByRole('dialog', { name: 'New webhook' })
    await dialog.getByLabel('Name', { exact: true }).fill('note-sent')
    await dialog.getByLabel('Table', { exact: true }).fill('notes')
    await dialog.getByLabel('URL', { exact: true }).fill(`${base}/notes`)
    await dialog.getByRole('button', { name: 'Create webhook' }).click()
    await page.getByRole('dialog', { name: 'Webhook note-sent created' }).getByRole('button', { name: 'Done' }).click()

    await page.getByRole('button', { name: 'Deliveries of note-sent' }).click()
    const panel = page.getByRole('region', { name: 'Deliveries of note-sent' })
    await panel.getByText('No deliveries yet').waitFor()

    await query(h.floe.databaseUrl, `insert into public.notes (owner_id, body) values (gen_random_uuid(), 'hello hooks')`)
    // The webhook queue retries after its backoff (1 s); the screen refreshes every 3 s.
    const rows = panel.getByTestId('delivery-row')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2)
    expect(received).toHaveLength(2)
    expect(JSON.parse(received[0]!)).toMatchObject({ type: 'INSERT', table: 'notes', record: { body: 'hello hooks' } })
    // Newest first: the retry that succeeded, then the first attempt.
    const newest = rows.nth(0)
    const first = rows.nth(1)
    expect(await newest.getByTestId('delivery-result').textContent()).toBe('ok')
    expect(await newest.getByTestId('delivery-status').textContent()).toBe('200')
    expect(await first.getByTestId('delivery-result').textContent()).toBe('failed')
    expect(await first.getByTestId('delivery-status').textContent()).toBe('500')
    expect(await first.textContent()).toContain('webhook answered HTTP 500')
    await h.screenshot(page, 'jobs-webhook-deliveries')
    expect(page.errors).toEqual([])
    await page.context().close()
  })
})
