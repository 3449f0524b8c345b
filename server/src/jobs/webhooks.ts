/**
 * Database webhooks: "on insert/update/delete of table T, POST to URL U (or enqueue to queue Q)".
 * A declaration is a row of floe.webhooks plus a row trigger `floe_webhook_<name>` on T running
 * floe.webhook_trigger(), which writes the event to the outbox inside the changing transaction.
 */
import { z } from '@hono/zod-openapi'
import { parseTableParts, quoteIdent, quoteLiteral, TableNameText, type Database } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import { listWebhookDeliveries } from './queries.js'
import { QueueName } from './types.js'

const Ident = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'expected a Postgres identifier')

export const WebhookBody = z
  .object({
    name: QueueName.openapi({ example: 'new-order' }),
    schema: Ident.optional().openapi({ description: 'The schema of a bare `table` (default: the default schema); or name it in `table`' }),
    table: TableNameText.openapi({ example: 'public.orders' }),
    events: z.array(z.enum(['insert', 'update', 'delete'])).min(1).max(3),
    url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'expected an http(s) URL').optional(),
    queue: QueueName.optional(),
  })
  .strict()
  .refine((b) => (b.url === undefined) !== (b.queue === undefined), 'give exactly one of url and queue')
  .openapi('WebhookBody')
export type WebhookInput = z.output<typeof WebhookBody>

export const Webhook = z
  .object({
    id: z.string(),
    name: z.string(),
    schema: z.string(),
    table: z.string(),
    events: z.array(z.string()),
    url: z.string().nullable(),
    queue: z.string().nullable(),
    secret: z.string().openapi({ description: 'HMAC-SHA256 key of the X-Floe-Signature header' }),
    created_at: z.string(),
  })
  .openapi('Webhook')
export type Webhook = z.output<typeof Webhook>

export const WebhookDelivery = z
  .object({
    id: z.string().openapi({ description: 'Pass it as `before` for the next page' }),
    job_id: z.string(),
    attempt: z.number().int(),
    status: z.number().int().nullable().openapi({ description: 'The HTTP status answered; null when none came' }),
    ok: z.boolean(),
    error: z.string().nullable(),
    duration_ms: z.number().int(),
    at: z.string(),
  })
  .openapi('WebhookDelivery')
export type WebhookDelivery = z.output<typeof WebhookDelivery>

interface Row {
  id: string
  name: string
  table_schema: string
  table_name: string
  events: string[]
  url: string | null
  queue: string | null
  secret: string
  created_at: Date
}
const toWebhook = (r: Row): Webhook => ({
  id: r.id,
  name: r.name,
  schema: r.table_schema,
  table: r.table_name,
  events: r.events,
  url: r.url,
  queue: r.queue,
  secret: r.secret,
  created_at: r.created_at.toISOString(),
})

export function createWebhooks(database: Pick<Database, 'pool' | 'withOwner'>, exposedSchemas: readonly string[]) {
  const { pool, withOwner } = database
  return {
    async list(): Promise<Webhook[]> {
      const { rows } = await pool.query<Row>('select * from floe.webhooks order by name')
      return rows.map(toWebhook)
    },

    create: (input: WebhookInput): Promise<Webhook> => {
      // As the rules API reads a table: `table` alone, `schema.table`, or the older schema + bare table.
      const { schema, table } = parseTableParts(input, exposedSchemas)
      return withOwner('jobs: create a webhook', async ({ client }) => {
        const t = await client.query('select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2 and c.relkind in ($3, $4)', [
          schema,
          table,
          'r',
          'p',
        ])
        if (t.rowCount === 0) throw new ApiError('JOBS_TABLE_NOT_FOUND', { details: `No table ${schema}.${table}` })
        if (input.queue) {
          const q = await client.query('select 1 from floe.queues where name = $1', [input.queue])
          if (q.rowCount === 0) throw new ApiError('JOBS_QUEUE_NOT_FOUND', { details: `No queue named "${input.queue}"` })
        }
        const dup = await client.query('select 1 from floe.webhooks where name = $1', [input.name])
        if ((dup.rowCount ?? 0) > 0) throw new ApiError('JOBS_WEBHOOK_EXISTS', { details: `A webhook named "${input.name}" exists` })
        const { rows } = await client.query<Row>(
          'insert into floe.webhooks (name, table_schema, table_name, events, url, queue) values ($1, $2, $3, $4, $5, $6) returning *',
          [input.name, schema, table, input.events, input.url ?? null, input.queue ?? null],
        )
        const row = rows[0]!
        // Names are validated identifiers and still quoted; the id is a uuid we generated.
        await client.query(
          `create trigger ${quoteIdent(`floe_webhook_${input.name}`)} after ${input.events.join(' or ')} on ${quoteIdent(schema)}.${quoteIdent(table)}
           for each row execute function floe.webhook_trigger(${quoteLiteral(row.id)})`,
        )
        return toWebhook(row)
      })
    },

    /** A webhook's delivery attempts, newest first (kept 7 days: see delivery-log.ts). */
    async deliveries(name: string, limit: number, before: string | undefined): Promise<WebhookDelivery[]> {
      const { rows } = await pool.query<{ id: string }>('select id from floe.webhooks where name = $1', [name])
      if (!rows[0]) throw new ApiError('JOBS_WEBHOOK_NOT_FOUND', { details: `No webhook named "${name}"` })
      const found = await listWebhookDeliveries(pool, rows[0].id, limit, before)
      return found.map((d) => ({ ...d, at: d.at.toISOString() }))
    },

    remove: (name: string): Promise<void> =>
      withOwner('jobs: remove a webhook', async ({ client }) => {
        const { rows } = await client.query<Row>('delete from floe.webhooks where name = $1 returning *', [name])
        const row = rows[0]
        if (!row) throw new ApiError('JOBS_WEBHOOK_NOT_FOUND', { details: `No webhook named "${name}"` })
        await client.query(`drop trigger if exists ${quoteIdent(`floe_webhook_${name}`)} on ${quoteIdent(row.table_schema)}.${quoteIdent(row.table_name)}`)
      }),
  }
}
export type Webhooks = ReturnType<typeof createWebhooks>
