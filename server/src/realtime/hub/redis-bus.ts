/**
 * The bus over Redis pub/sub: one channel, `<prefix>realtime`. Publishing uses the process's Redis
 * client; subscribing needs a connection of its own (a subscribed connection can do nothing
 * else), duplicated from it. ioredis subscribes again by itself after a reconnect; the hub is
 * then told to resync, since what was published meanwhile is lost.
 */
import type { Redis } from 'ioredis'
import type { Logger } from '../../log.js'
import type { Bus } from './bus.js'

export class RedisBus implements Bus {
  readonly kind = 'redis' as const
  private readonly channel: string
  private sub: Redis | undefined
  private subscribed = false

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.channel = `${prefix}realtime`
  }

  async start(onMessage: (text: string) => void, onResync: () => void): Promise<void> {
    // The offline queue on: SUBSCRIBE waits for the connection rather than failing at once.
    const sub = this.redis.duplicate({ enableOfflineQueue: true, lazyConnect: true, maxRetriesPerRequest: null })
    this.sub = sub
    let readyOnce = false
    sub.on('message', (channel: string, text: string) => {
      if (channel === this.channel) onMessage(text)
    })
    sub.on('error', (err: Error) => this.log.debug({ err: { message: err.message } }, 'realtime: Redis bus connection error'))
    sub.on('ready', () => {
      if (!readyOnce) {
        readyOnce = true
        return
      }
      if (!this.subscribed) void this.subscribe(sub)
      onResync()
    })
    sub.connect().catch(() => undefined)
    await this.subscribe(sub)
  }

  private async subscribe(sub: Redis): Promise<void> {
    try {
      await sub.subscribe(this.channel)
      this.subscribed = true
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message } }, 'realtime: Redis bus not subscribed yet; cross-replica messages wait for Redis')
    }
  }

  async publish(text: string): Promise<void> {
    await this.redis.publish(this.channel, text)
  }

  async close(): Promise<void> {
    const sub = this.sub
    this.sub = undefined
    if (sub) await sub.quit().catch(() => sub.disconnect())
  }
}
