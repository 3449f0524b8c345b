/**
 * SQL of the jobs module: queue declarations, the outbox and database webhooks. Every function
 * takes the pg client or pool it runs on; the service decides which (and so which role).
 */
import type pg from 'pg'
import type { QueueDeclaration, QueueDeclarationInput } from './types.js'

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient

interface QueueRow {
  name: string
  handler: string
  concurrency: number
  attempts: number
  backoff_type: 'fixed' | 'exponential'
  backoff_ms: number
  timeout_ms: number
  rate_max: number | null
  rate_duration_ms: number | null
  enqueue_roles: string[]
  updated_at: Date
}

function toDeclaration(r: QueueRow): QueueDeclaration {
  return {
    name: r.name,
    handler: r.handler,
    concurrency: r.concurrency,
    attempts: r.attempts,
    backoff_type: r.backoff_type,
    backoff_ms: r.backoff_ms,
    timeout_ms: r.timeout_ms,
    rate_limit: r.rate_max && r.rate_duration_ms ? { max: r.rate_max, duration_ms: r.rate_duration_ms } : null,
    enqueue_roles: r.enqueue_roles,
    updated_at: r.updated_at.toISOString(),
  }
}

export async function listQueues(db: Queryable): Promise<QueueDeclaration[]> {
  const { rows } = await db.query<QueueRow>('select * from floe.queues order by name')
  return rows.map(toDeclaration)
}

export async function findQueue(db: Queryable, name: string): Promise<QueueDeclaration | undefined> {
  const { rows } = await db.query<QueueRow>('select * from floe.queues where name = $1', [name])
  return rows[0] ? toDeclaration(rows[0]) : undefined
}

export async function upsertQueue(db: Queryable, name: string, q: QueueDeclarationInput): Promise<{ queue: QueueDeclaration; created: boolean }> {
  const { rows } = await db.query<QueueRow & { created: boolean }>(
    `insert into floe.queues as q (name, handler, concurrency, attempts, backoff_type, backoff_ms, timeout_ms, rate_max, rate_duration_ms, enqueue_roles)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (name) do update set handler = excluded.handler, concurrency = excluded.concurrency, attempts = excluded.attempts,
       backoff_type = excluded.backoff_type, backoff_ms = excluded.backoff_ms, timeout_ms = excluded.timeout_ms,
       rate_max = excluded.rate_max, rate_duration_ms = excluded.rate_duration_ms, enqueue_roles = excluded.enqueue_roles,
       updated_at = now()
     returning *, (xmax = 0) as created`,
    [
      name,
      q.handler ?? name,
      q.concurrency,
      q.attempts,
      q.backoff_type,
      q.backoff_ms,
      q.timeout_ms,
      q.rate_limit?.max ?? null,
      q.rate_limit?.duration_ms ?? null,
      q.enqueue_roles,
    ],
  )
  const row = rows[0]!
  return { queue: toDeclaration(row), created: row.created }
}

export async function deleteQueue(db: Queryable, name: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from floe.queues where name = $1', [name])
  return (rowCount ?? 0) > 0
}

export interface OutboxRow {
  id: string
  queue: string
  payload: unknown
  options: Record<string, unknown>
  enqueued_role: string | null
  enqueued_sub: string | null
}

/**
 * The relay's claim: the oldest unsent rows, locked for this transaction. SKIP LOCKED lets
 * several relays (replicas) take disjoint batches instead of waiting on or re-sending each other's.
 */
export async function claimOutboxBatch(client: pg.PoolClient, limit: number): Promise<OutboxRow[]> {
  const { rows } = await client.query<OutboxRow>(
    `select id::text, queue, payload, options, enqueued_role, enqueued_sub from floe.outbox
     where sent_at is null order by id limit $1 for update skip locked`,
    [limit],
  )
  return rows
}

/** Whether any row waits (a busy relay's poll: an index probe, no transaction, no lock). */
export async function hasUnsentOutbox(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('select exists (select 1 from floe.outbox where sent_at is null) as any')
  return rows[0]?.any === true
}

export async function markOutboxSent(client: pg.PoolClient, ids: string[]): Promise<void> {
  await client.query('update floe.outbox set sent_at = now() where id = any($1::bigint[])', [ids])
}

/** Sent rows are only history once BullMQ has them; keep a day for inspection. */
export async function deleteSentOutbox(db: Queryable, olderThanS: number): Promise<number> {
  const { rowCount } = await db.query(`delete from floe.outbox where sent_at < now() - make_interval(secs => $1)`, [olderThanS])
  return rowCount ?? 0
}

export async function countUnsentOutbox(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('select count(*)::text as n from floe.outbox where sent_at is null')
  return Number(rows[0]?.n ?? 0)
}
