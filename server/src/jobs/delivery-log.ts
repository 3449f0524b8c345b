/**
 * The record of webhook delivery attempts (floe.webhook_deliveries), written by the `webhook`
 * handler. Recording never fails a delivery: a failed insert is logged and the attempt's own
 * outcome stands. Retention is by age, pruned from here: at most once every PRUNE_EVERY_MS per
 * process, in bounded batches, off the delivery's path (not awaited), so a busy worker pays one
 * indexed delete every few minutes rather than a periodic job of its own. An insert is waited for
 * at most RECORD_WAIT_MS: with Postgres slow or away (a pool connect can take 10 s) the delivery
 * goes on and the insert finishes, or fails and is logged, in the background.
 */
import type pg from 'pg'
import type { Logger } from '../log.js'
import { insertWebhookDelivery, pruneWebhookDeliveries, type WebhookDeliveryInput } from './queries.js'

export const DELIVERY_MAX_AGE_S = 7 * 24 * 3600
const PRUNE_EVERY_MS = 5 * 60_000
const PRUNE_BATCH = 10_000
const RECORD_WAIT_MS = 2000

export function createDeliveryLog() {
  let nextPrune = 0
  return async function record(pool: pg.Pool, log: Logger, d: WebhookDeliveryInput): Promise<void> {
    const insert = insertWebhookDelivery(pool, d).catch((err: unknown) => log.warn({ err }, 'jobs: recording a webhook delivery failed'))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([insert, new Promise<void>((r) => (timer = setTimeout(r, RECORD_WAIT_MS)))])
    clearTimeout(timer)
    if (Date.now() < nextPrune) return
    nextPrune = Date.now() + PRUNE_EVERY_MS
    pruneWebhookDeliveries(pool, DELIVERY_MAX_AGE_S, PRUNE_BATCH).catch((err: unknown) => log.warn({ err }, 'jobs: pruning webhook deliveries failed'))
  }
}
