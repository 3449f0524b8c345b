/**
 * The bus over Postgres NOTIFY, for a Floe without Redis: channel `floe_realtime_bus` on the
 * process's shared LISTEN connection (db/listener.ts). Messages are published on that same
 * connection (listener.query), one statement at a time, so one replica's messages are sent,
 * and so received everywhere, in the order it published them; the messages waiting while one
 * statement runs go together in the next (`unnest`, in array order). Each carries a sequence
 * number before a space: Postgres delivers identical payloads of one transaction only once.
 *
 * A NOTIFY payload is limited to 8000 bytes: a larger message is stored in `realtime.floe_bus`
 * by the same statement that notifies its id (`#<id>`), and read back by each receiver, in order
 * (OrderedInbox). Stored bodies are swept after `keepS` seconds.
 */
import type { Database, Unsubscribe } from '../../db/index.js'
import type { Logger } from '../../log.js'
import { OrderedInbox, type Bus } from './bus.js'

export const BUS_CHANNEL = 'floe_realtime_bus'
/** Below NOTIFY's 8000 bytes, with room to spare. */
export const NOTIFY_MAX_BYTES = 7900

export class PostgresBus implements Bus {
  readonly kind = 'postgres' as const
  private unlisten: Unsubscribe | undefined
  private seq = 0
  private readonly queue: { text: string; done: (err?: unknown) => void }[] = []
  private pumping = false

  constructor(
    private readonly database: Pick<Database, 'listener' | 'withOwner'>,
    private readonly log: Logger,
  ) {}

  async start(onMessage: (text: string) => void, onResync: () => void): Promise<void> {
    const inbox = new OrderedInbox<string>(onMessage, (err) => this.log.warn({ err }, 'realtime: a bus message could not be read'))
    this.unlisten = await this.database.listener.listen(
      BUS_CHANNEL,
      (text) => {
        if (text.startsWith('#')) inbox.push(undefined, () => this.readStored(text.slice(1)))
        else inbox.push(text.slice(text.indexOf(' ') + 1))
      },
      { onMissed: onResync },
    )
  }

  private readStored(id: string): Promise<string | undefined> {
    return this.database.withOwner(
      'realtime bus: read a message too large for NOTIFY',
      async ({ client }) => (await client.query<{ body: string }>('select body from realtime.floe_bus where id = $1', [id])).rows[0]?.body,
      { readOnly: true },
    )
  }

  publish(text: string): Promise<void> {
    const numbered = `${(this.seq++).toString(36)} ${text}`
    return new Promise((resolve, reject) => {
      this.queue.push({ text: numbered, done: (err) => (err === undefined ? resolve() : reject(err)) })
      if (!this.pumping) void this.pump()
    })
  }

  /** Sends what is queued, a batch of small messages or one large one per statement. */
  private async pump(): Promise<void> {
    this.pumping = true
    const listener = this.database.listener
    const isLarge = (text: string) => Buffer.byteLength(text) > NOTIFY_MAX_BYTES
    try {
      while (this.queue.length > 0) {
        const batch = isLarge(this.queue[0]!.text) ? this.queue.splice(0, 1) : this.takeSmall(isLarge)
        try {
          if (batch.length === 1 && isLarge(batch[0]!.text)) {
            await listener.query(
              `with stored as (insert into realtime.floe_bus (body) values ($2) returning id)
               select pg_notify($1, '#' || id) from stored`,
              [BUS_CHANNEL, batch[0]!.text.slice(batch[0]!.text.indexOf(' ') + 1)],
            )
          } else {
            await listener.query('select pg_notify($1, t) from unnest($2::text[]) as t', [BUS_CHANNEL, batch.map((m) => m.text)])
          }
          for (const m of batch) m.done()
        } catch (err) {
          for (const m of batch) m.done(err ?? new Error('publish failed'))
        }
      }
    } finally {
      this.pumping = false
    }
  }

  private takeSmall(isLarge: (text: string) => boolean): { text: string; done: (err?: unknown) => void }[] {
    let n = 0
    while (n < this.queue.length && n < 500 && !isLarge(this.queue[n]!.text)) n++
    return this.queue.splice(0, n)
  }

  /** Deletes stored bodies every receiver has had time to read. */
  async sweep(keepS: number): Promise<void> {
    await this.database.withOwner('realtime bus: sweep stored messages', ({ client }) =>
      client.query('delete from realtime.floe_bus where created_at < now() - make_interval(secs => $1)', [keepS]),
    )
  }

  async close(): Promise<void> {
    await this.unlisten?.()
    this.unlisten = undefined
  }
}
