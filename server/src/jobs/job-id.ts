import { createHash } from 'node:crypto'

/**
 * The BullMQ job id of an idempotency key. Scoped to who asked (role and sub), so one user's key
 * never lands on another user's job. BullMQ ignores an add whose job id exists, which makes the
 * same key never create two jobs while the first is kept (JOBS_RETENTION_S after it completes).
 */
export function idempotentJobId(by: { role: string; sub: string | null }, key: string): string {
  return 'k-' + createHash('sha256').update(`${by.role}\0${by.sub ?? ''}\0${key}`).digest('hex').slice(0, 40)
}
