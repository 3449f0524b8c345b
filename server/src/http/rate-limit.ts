import type { Redis } from 'ioredis'
import type { MiddlewareHandler } from 'hono'
import { MemoryStore, RedisStore, type ClientRateLimitInfo, type RedisClient, type Store } from 'hono-rate-limiter'
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

export interface RateLimiterOptions {
  name: string
  windowMs: number
  limit: number
  redis?: Redis | undefined
  /** Prefix of the Redis keys (REDIS_PREFIX). */
  redisPrefix?: string
  log: Logger
}

type KeyOf = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string | undefined

export interface RateLimitOptions extends RateLimiterOptions {
  key: KeyOf
}

/** The outcome of counting one request: the draft-6 headers to send, and the 429 if over the limit. */
export interface RateLimitHit {
  headers: [string, string][]
  error?: ApiError
}

/** Counts requests per key. */
export interface RateLimiter {
  hit(key: string): Promise<RateLimitHit>
}

/**
 * hono-rate-limiter's stores (memory, or Redis with a per-process fallback) with its draft-6
 * headers (RateLimit-Policy/-Limit/-Remaining/-Reset, Retry-After on a 429), usable without a
 * Hono context.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const store: Store<AppEnv> = options.redis
    ? new FailoverStore(options.redis, `${options.redisPrefix ?? 'floe:'}rl:${options.name}:`, options.log)
    : new MemoryStore<AppEnv>()
  store.init?.({ windowMs: options.windowMs, limit: options.limit } as Parameters<NonNullable<Store<AppEnv>['init']>>[0])
  const windowSeconds = Math.ceil(options.windowMs / 1000)
  const policy = `${options.limit};w=${windowSeconds}`
  return {
    async hit(key) {
      const { totalHits, resetTime } = await store.increment(key)
      const resetSeconds = resetTime ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : undefined
      const headers: [string, string][] = [
        ['RateLimit-Policy', policy],
        ['RateLimit-Limit', String(options.limit)],
        ['RateLimit-Remaining', String(Math.max(options.limit - totalHits, 0))],
      ]
      if (resetSeconds) headers.push(['RateLimit-Reset', String(resetSeconds)])
      if (totalHits <= options.limit) return { headers }
      const retryAfter = String(resetSeconds ?? windowSeconds)
      headers.push(['Retry-After', retryAfter])
      const error = new ApiError('RATE_LIMITED', {
        details: `More than ${options.limit} requests in ${Math.round(options.windowMs / 1000)} s`,
        hint: `Retry after ${retryAfter} s`,
        headers: { 'Retry-After': retryAfter },
      })
      return { headers, error }
    },
  }
}

/**
 * A module's own limit as middleware (auth's sign-in limits), answering 429 with Retry-After and
 * the shared error body. `key` undefined → not counted. The pipeline's per-IP and per-user limits
 * use createRateLimiter directly.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const limiter = createRateLimiter(options)
  return async (c, next) => {
    const k = options.key(c)
    if (k === undefined) return next()
    const { headers, error } = await limiter.hit(k)
    for (const [name, value] of headers) c.header(name, value)
    if (error) throw error
    await next()
  }
}
