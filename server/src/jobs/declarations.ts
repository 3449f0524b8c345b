/**
 * The queue declarations, cached in memory and reloaded when they change (NOTIFY floe_queues
 * from the table's trigger) and on a slow timer in case a notification was missed while the
 * listener reconnected. Enqueue, the relay and the workers read them from here, so a change
 * made through the admin API (or SQL) reaches every process without a restart.
 */
import pg from 'pg'
import type { Logger } from '../log.js'
import { listQueues } from './queries.js'
import type { QueueDeclaration } from './types.js'

export class Declarations {
  private byName = new Map<string, QueueDeclaration>()
  private listener: pg.Client | undefined
  private timer: NodeJS.Timeout | undefined
  private closed = false
  private readonly subscribers = new Set<() => void>()

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.reload()
    await this.listen()
    this.timer = setInterval(() => void this.reload().catch(() => undefined), 5_000)
    this.timer.unref()
  }

  private async listen(): Promise<void> {
    if (this.closed) return
    const client = new pg.Client({ connectionString: this.connectionString })
    client.on('error', () => undefined)
    client.on('end', () => {
      if (this.closed) return
      setTimeout(() => void this.listen().catch(() => undefined), 1_000).unref()
    })
    client.on('notification', () => void this.reload().catch((err: unknown) => this.log.warn({ err }, 'jobs: reloading queue declarations failed')))
    try {
      await client.connect()
      await client.query('listen floe_queues')
      this.listener = client
      await this.reload()
    } catch {
      await client.end().catch(() => undefined)
    }
  }

  async reload(): Promise<void> {
    const list = await listQueues(this.pool)
    const next = new Map(list.map((q) => [q.name, q]))
    const changed = next.size !== this.byName.size || list.some((q) => this.byName.get(q.name)?.updated_at !== q.updated_at)
    this.byName = next
    if (changed) for (const fn of this.subscribers) fn()
  }

  get(name: string): QueueDeclaration | undefined {
    return this.byName.get(name)
  }

  all(): QueueDeclaration[] {
    return [...this.byName.values()]
  }

  onChange(fn: () => void): void {
    this.subscribers.add(fn)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    await this.listener?.end().catch(() => undefined)
  }
}
