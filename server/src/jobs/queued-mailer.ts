/**
 * Puts the `email` queue in front of the auth mailer: `send()` writes an `email` job to the
 * outbox, so auth emails get the queue's retries and survive a Redis outage (they wait in
 * floe.outbox). With jobs off for good (no REDIS_URL, the zero-config start) it sends directly:
 * an email must not wait for a Redis that was never configured.
 *
 * The outbox row holds the rendered email, one-time link included, in schema `floe` (server
 * role only) until the relay hands it to BullMQ and deletes it. BullMQ keeps the job for
 * JOBS_RETENTION_S (7 times that when it failed, for replay); the jobs API shows it without its
 * bodies (service.ts, withoutEmailBody).
 */
import type pg from 'pg'
import type { Mailer, OutgoingEmail } from '../auth/index.js'
import type { Bull } from './bull.js'

export function createQueuedMailer(direct: Mailer, bull: Bull, pool: pg.Pool): Mailer {
  return {
    name: direct.name,
    async send(email: OutgoingEmail) {
      if (bull.status().status === 'disabled') return direct.send(email)
      await pool.query(`select floe.enqueue('email', $1::jsonb)`, [JSON.stringify(email)])
    },
    // The direct mailer is closed by whoever made it, after the workers that use it stop.
    async close() {},
  }
}
