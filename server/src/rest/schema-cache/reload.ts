/**
 * Holds the current schema cache and replaces it without a restart. Requests read `get()`
 * synchronously and keep the cache object they started with, which is never mutated: a reload
 * builds a whole new cache and swaps the reference, so nothing in flight fails. A reload that
 * fails keeps the old cache and is logged; the next trigger tries again.
 *
 * Triggers: a notification on channel `floe` with payload 'reload schema' (or empty, as PostgREST
 * accepts), sent by the DDL event trigger of migration 0003 or by hand; and every re-established
 * LISTEN connection, since notifications sent while it was down are lost. Bursts are debounced:
 * a reload starts once `debounceMs` pass without a new trigger, but never later than
 * `maxDelayMs` after the first one, and a trigger arriving during a reload queues exactly one
 * more (the running one may have read the catalog before that DDL committed).
 */
import type pg from 'pg'
import type { Logger } from '../../log.js'
import { startNotificationListener, type NotificationListener } from './listener.js'
import { loadSchemaCache } from './load.js'
import type { SchemaCache } from './types.js'

export interface SchemaCacheHolderOptions {
  pool: pg.Pool
  schemas: string[]
  log: Logger
  /** The LISTEN connection's settings; defaults to the pool's. `false`: no live reload. */
  listen?: pg.ClientConfig | false
  /** Defaults to `floe`, the channel migration 0003's event trigger notifies. */
  channel?: string
  /** Quiet time that ends a burst of triggers; default 50 ms. */
  debounceMs?: number
  /** Longest a continuing burst may postpone the reload; default 500 ms. */
  maxDelayMs?: number
  /** Backoff of the LISTEN connection's reconnection attempts; default 100 ms doubling to 10 s. */
  reconnect?: { initialMs: number; maxMs: number }
  /**
   * Other payloads on the same channel (e.g. 'reload keys' after an API key rotation), so the
   * process needs one LISTEN connection for all platform notifications. Also called after a
   * reconnect with '' since notifications may have been missed.
   */
  onOtherNotification?: (payload: string) => void
  /** The loader, replaceable so a test can make a reload fail. */
  load?: (pool: pg.Pool, schemas: string[]) => Promise<SchemaCache>
}

export interface SchemaCacheStats {
  loadedAt: Date
  /** Duration of the last successful load, ms. */
  lastLoadMs: number
  reloads: number
  failedReloads: number
  listening: boolean
}

export interface SchemaCacheHolder {
  /** The current cache: synchronous, never undefined once the holder exists. */
  get(): SchemaCache
  /** Reloads now (joining a reload that is queued); resolves with the new cache, rejects if it fails. */
  reload(): Promise<SchemaCache>
  /** Settles with the outcome of the next reload that starts after this call. */
  whenReloaded(): Promise<SchemaCache>
  /** Called after each successful swap; returns an unsubscribe function. */
  onReload(listener: (cache: SchemaCache) => void): () => void
  stats(): SchemaCacheStats
  close(): Promise<void>
}

const RELOAD_PAYLOADS = new Set(['reload schema', ''])

interface Waiter {
  resolve: (cache: SchemaCache) => void
  reject: (err: unknown) => void
}

class Holder implements SchemaCacheHolder {
  private current!: SchemaCache
  private waiters: Waiter[] = []
  private listeners = new Set<(cache: SchemaCache) => void>()
  private running: Promise<void> | undefined
  private queued = false
  private timer: NodeJS.Timeout | undefined
  private burstStartedAt = 0
  private lastLoadMs = 0
  private reloads = 0
  private failedReloads = 0
  private closed = false
  listener: NotificationListener | undefined

  constructor(private readonly options: SchemaCacheHolderOptions & { load: NonNullable<SchemaCacheHolderOptions['load']> }) {}

  /** Counts as a running reload, so a notification that arrives meanwhile queues one after it
   *  instead of racing it (an older catalog read must not land last). */
  async loadInitial(): Promise<void> {
    const started = performance.now()
    const initial = this.options.load(this.options.pool, this.options.schemas)
    this.running = initial.then(() => undefined, () => undefined)
    try {
      this.current = await initial
    } finally {
      this.afterRun()
    }
    this.lastLoadMs = performance.now() - started
    this.options.log.info({ ms: Math.round(this.lastLoadMs), ...sizes(this.current) }, 'schema cache loaded')
  }

  get(): SchemaCache {
    return this.current
  }

  reload(): Promise<SchemaCache> {
    const outcome = this.whenReloaded()
    this.clearTimer()
    this.run()
    return outcome
  }

  whenReloaded(): Promise<SchemaCache> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  onReload(listener: (cache: SchemaCache) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  stats(): SchemaCacheStats {
    return {
      loadedAt: this.current.loadedAt,
      lastLoadMs: this.lastLoadMs,
      reloads: this.reloads,
      failedReloads: this.failedReloads,
      listening: this.listener?.isListening ?? false,
    }
  }

  /** Debounced trigger, for notifications. */
  request(): void {
    if (this.closed) return
    const now = performance.now()
    if (!this.timer) this.burstStartedAt = now
    this.clearTimer()
    const maxDelay = this.options.maxDelayMs ?? 500
    const delay = Math.min(this.options.debounceMs ?? 50, Math.max(0, this.burstStartedAt + maxDelay - now))
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.run()
    }, delay)
  }

  async close(): Promise<void> {
    this.closed = true
    this.clearTimer()
    await this.listener?.close()
    await this.running
    const pending = this.waiters.splice(0)
    for (const w of pending) w.reject(new Error('schema cache holder closed'))
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private run(): void {
    if (this.running) {
      this.queued = true
      return
    }
    // Waiters registered from now on wait for the next run: this one may miss their DDL.
    const waiters = this.waiters.splice(0)
    this.running = this.loadAndSwap(waiters).finally(() => this.afterRun())
  }

  private afterRun(): void {
    this.running = undefined
    if (this.queued && !this.closed) {
      this.queued = false
      this.run()
    }
  }

  private async loadAndSwap(waiters: Waiter[]): Promise<void> {
    const started = performance.now()
    try {
      const cache = await this.options.load(this.options.pool, this.options.schemas)
      this.current = cache
      this.lastLoadMs = performance.now() - started
      this.reloads++
      this.options.log.info({ ms: Math.round(this.lastLoadMs), ...sizes(cache) }, 'schema cache reloaded')
      for (const w of waiters) w.resolve(cache)
      for (const l of this.listeners) l(cache)
    } catch (err) {
      this.failedReloads++
      this.options.log.error({ err }, 'schema cache reload failed; keeping the previous cache')
      for (const w of waiters) w.reject(err)
    }
  }
}

function sizes(cache: SchemaCache) {
  return { tables: cache.tables.size, functions: cache.functions.size, relationships: cache.relationships.size }
}

/**
 * Loads the cache (a failure here is thrown: the server cannot serve the data API without one)
 * and starts listening. LISTEN is set up before the first load, so DDL committed between the
 * two cannot be missed.
 */
export async function createSchemaCacheHolder(options: SchemaCacheHolderOptions): Promise<SchemaCacheHolder> {
  const holder = new Holder({ ...options, load: options.load ?? loadSchemaCache })
  if (options.listen !== false) {
    holder.listener = startNotificationListener({
      connection: options.listen ?? options.pool.options,
      channel: options.channel ?? 'floe',
      log: options.log,
      onNotification: (payload) => {
        if (RELOAD_PAYLOADS.has(payload)) holder.request()
        else options.onOtherNotification?.(payload)
      },
      onReconnected: () => {
        holder.request()
        options.onOtherNotification?.('')
      },
      ...(options.reconnect ? { backoff: options.reconnect } : {}),
    })
    await holder.listener.firstAttempt
  }
  try {
    await holder.loadInitial()
  } catch (err) {
    await holder.close()
    throw err
  }
  return holder
}
