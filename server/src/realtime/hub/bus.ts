/**
 * The bus between replicas: every message published reaches every replica's handler, the
 * publisher's own included (the hub skips its own), in the order one replica published them.
 * Redis pub/sub when Redis is configured (redis-bus.ts), Postgres NOTIFY on the shared LISTEN
 * connection otherwise (postgres-bus.ts).
 */
export interface Bus {
  readonly kind: 'redis' | 'postgres'
  /**
   * Subscribes. `onResync`: messages may have been lost (the connection dropped and is back):
   * the hub asks every replica for its state again.
   */
  start(onMessage: (text: string) => void, onResync: () => void): Promise<void>
  /** Rejects when the bus is unreachable; the hub's heartbeats repair what others missed. */
  publish(text: string): Promise<void>
  close(): Promise<void>
}

/**
 * Runs handlers in arrival order when some need a round trip first (a message too large for a
 * NOTIFY, read back by id): a message is handled at once while nothing is waiting, and queued
 * behind the first one that waits otherwise.
 */
export class OrderedInbox<T> {
  private tail: Promise<void> = Promise.resolve()
  private waiting = 0

  constructor(
    private readonly handle: (item: T) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** `load` undefined: the item is ready; otherwise it is what `load()` resolves to (undefined: skip it). */
  push(item: T | undefined, load?: () => Promise<T | undefined>): void {
    if (!load && this.waiting === 0) {
      if (item !== undefined) this.run(item)
      return
    }
    this.waiting++
    this.tail = this.tail
      .then(async () => {
        const ready = load ? await load() : item
        if (ready !== undefined) this.run(ready)
      })
      .catch(this.onError)
      .finally(() => this.waiting--)
  }

  private run(item: T): void {
    try {
      this.handle(item)
    } catch (err) {
      this.onError(err)
    }
  }
}
