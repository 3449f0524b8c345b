import type { Redis } from 'ioredis'
import type { MiddlewareHandler } from 'hono'
import { MemoryStore, RedisStore, rateLimiter, type ClientRateLimitInfo, type RedisClient, type Store } from 'hono-rate-limiter'
import { ApiError } from '../errors/index.js'
import type { Logger } from '../log.js'
import type { AppEnv } from './context.js'

/** hono-rate-limiter's RedisStore speaks an Upstash-style client; this adapts ioredis to it. */
function ioredisClient(redis: Redis): RedisClient {
  return {
    scriptLoad: async (script) => String(await redis.script('LOAD', script)),
    evalsha: async <TArgs extends unknown[], TData = unknown>(sha1: string, keys: string[], args: TArgs) =>
      (await redis.evalsha(sha1, keys.length, ...keys, ...(args as (string | number)[]))) as TData,
    decr: (key) => redis.decr(key),
    del: (key) => redis.del(key),
  }
}

/**
 * Shared counters in Redis so a limit holds across replicas; while Redis is unreachable the
 * limiter falls back to per-process counters (fail open to a local limit, never to no limit and
 * never to a 500), and the warning is logged once per outage.
 */
class FailoverStore implements Store<AppEnv> {
  private redisStore: RedisStore<AppEnv>
  private readonly local = new MemoryStore<AppEnv>()
  private degraded = false
  private options: Parameters<NonNullable<Store<AppEnv>['init']>>[0] | undefined

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly log: Logger,
  ) {
    this.redisStore = new RedisStore({ client: ioredisClient(redis), prefix: keyPrefix })
  }

  init(options: Parameters<NonNullable<Store<AppEnv>['init']>>[0]) {
    this.options = options
    this.redisStore.init(options)
    this.local.init(options)
  }

  private async use<T>(op: (s: Store<AppEnv>) => Promise<T> | T): Promise<T> {
    try {
      const result = await op(this.redisStore)
      if (this.degraded) {
        this.degraded = false
        this.log.info('rate limiter: Redis is back, limits are shared again')
      }
      return result
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true
        this.log.warn({ err: { message: (err as Error).message } }, 'rate limiter: Redis unreachable, counting per process')
        // Scripts loaded at construction may have failed; load them again once Redis returns.
        this.redisStore = new RedisStore({ client: ioredisClient(this.redis), prefix: this.keyPrefix })
        if (this.options) this.redisStore.init(this.options)
      }
      return op(this.local)
    }
  }

  increment(key: string): Promise<ClientRateLimitInfo> {
    return this.use((s) => s.increment(key))
  }
  decrement(key: string): Promise<void> {
    return this.use((s) => s.decrement(key))
  }
  resetKey(key: string): Promise<void> {
    return this.use((s) => s.resetKey(key))
  }
}

export interface RateLimitOptions {
  name: string
  windowMs: number
  limit: number
  key: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string | undefined
  redis?: Redis | undefined
  /** Prefix of the Redis keys (REDIS_PREFIX). */
  redisPrefix?: string
  log: Logger
}

/** A limiter answering 429 with Retry-After and the shared error body. `key` undefined → not counted. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const store: Store<AppEnv> = options.redis
    ? new FailoverStore(options.redis, `${options.redisPrefix ?? 'floe:'}rl:${options.name}:`, options.log)
    : new MemoryStore<AppEnv>()
  return rateLimiter<AppEnv>({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-6',
    keyGenerator: (c) => options.key(c) ?? '',
    skip: (c) => options.key(c) === undefined,
    store,
    handler: (c) => {
      const retryAfter = c.res.headers.get('Retry-After') ?? String(Math.ceil(options.windowMs / 1000))
      throw new ApiError('RATE_LIMITED', {
        details: `More than ${options.limit} requests in ${Math.round(options.windowMs / 1000)} s`,
        hint: `Retry after ${retryAfter} s`,
        headers: { 'Retry-After': retryAfter },
      })
    },
  })
}
