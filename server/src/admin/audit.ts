/**
 * The admin audit log (`floe.admin_audit_log`, migration 0020): every change an admin makes
 * through /admin/v1 writes one entry in the transaction that makes the change, so the log and the
 * schema never disagree (a change that rolls back leaves no entry). Entries name the actor (the
 * admin user's id and email, or the service key), the action, its target and the SQL that ran.
 */
import { z } from '@hono/zod-openapi'
import type { Identity } from '../http/index.js'
import { run, type Client } from './queries.js'

export interface AuditEntry {
  /** `<area>.<verb>` in snake_case, e.g. `schema.create_table`, `users.ban`, `sql.run`. */
  action: string
  /** What it acted on, e.g. `public.todos` or a user id. */
  target?: string
  /** The SQL that ran, when it did. */
  sql?: string
  details?: Record<string, unknown>
}

export const AuditRecord = z
  .object({
    id: z.number().int(),
    at: z.string().openapi({ example: '2026-12-07T10:00:00.000Z' }),
    actor_id: z.string().nullable(),
    actor: z.string().openapi({ example: 'ada@example.com' }),
    action: z.string().openapi({ example: 'schema.create_table' }),
    target: z.string().nullable(),
    sql: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AuditRecord')
export type AuditRecord = z.infer<typeof AuditRecord>

const MAX_SQL = 200_000

/** Who did it, from the identity requireAdmin let through. */
export function auditActor(by: Identity): { id: string | null; name: string } {
  if (by.role === 'service_role' && by.via === 'service-key') return { id: null, name: 'service_key' }
  const sub = typeof by.claims.sub === 'string' ? by.claims.sub : null
  const email = typeof by.claims.email === 'string' ? by.claims.email : null
  return { id: sub, name: email ?? sub ?? by.role }
}

/** Writes one entry on the change's own transaction. */
export async function recordAudit(client: Client, by: Identity, entry: AuditEntry): Promise<void> {
  const actor = auditActor(by)
  const sqlText = entry.sql && entry.sql.length > MAX_SQL ? `${entry.sql.slice(0, MAX_SQL - 20)}\n-- (truncated)` : entry.sql
  await run(
    client,
    `insert into floe.admin_audit_log (actor_id, actor, action, target, sql, details)
     values ($1, $2, $3, $4, $5, $6)`,
    [actor.id, actor.name.slice(0, 320), entry.action, entry.target?.slice(0, 1000) ?? null, sqlText ?? null, entry.details ?? null],
  )
}

export interface AuditQuery {
  limit: number
  /** Entries with an id below this one (the previous page's last id). */
  before?: number | undefined
  /** Only this action, or actions of this area when it ends with `.`. */
  action?: string | undefined
}

/** Newest first. */
export async function listAudit(client: Client, query: AuditQuery): Promise<AuditRecord[]> {
  const rows = await run<AuditRecord & { at: Date }>(
    client,
    `select id::int, at, actor_id::text, actor, action, target, sql, details
       from floe.admin_audit_log
      where ($1::bigint is null or id < $1)
        and ($2::text is null or action = $2 or (right($2, 1) = '.' and starts_with(action, $2)))
      order by id desc
      limit $3`,
    [query.before ?? null, query.action ?? null, query.limit],
  )
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }))
}
