/**
 * The queue declarations, cached in memory and reloaded when they change (NOTIFY floe_queues
 * from the table's trigger, on the process's shared LISTEN connection), after that connection
 * comes back (notifications sent meanwhile are lost), and on a slow timer as a last resort.
 * Enqueue, the relay and the workers read them from here, so a change made through the admin
 * API (or SQL) reaches every process without a restart.
 */
import type { Database, Unsubscribe } from '../db/index.js'
import type { Logger } from '../log.js'
import { listQueues } from './queries.js'
import type { QueueDeclaration } from './types.js'

export class Declarations {
  private byName = new Map<string, QueueDeclaration>()
  private unlisten: Unsubscribe | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly subscribers = new Set<() => void>()

  constructor(
    private readonly database: Pick<Database, 'pool' | 'listener'>,
    private readonly log: Logger,
  ) {}

  /** LISTEN first, then load: a change committed between the two cannot be missed. */
  async start(): Promise<void> {
    const reload = () => void this.reload().catch((err: unknown) => this.log.warn({ err }, 'jobs: reloading queue declarations failed'))
    this.unlisten = await this.database.listener.listen('floe_queues', reload, { onMissed: reload })
    await this.reload().catch(async (err: unknown) => {
      await this.unlisten?.()
      throw err
    })
    this.timer = setInterval(() => void this.reload().catch(() => undefined), 5_000)
    this.timer.unref()
  }

  async reload(): Promise<void> {
    const list = await listQueues(this.database.pool)
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
    if (this.timer) clearInterval(this.timer)
    await this.unlisten?.()
  }
}
