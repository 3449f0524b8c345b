/**
 * Holds the current schema cache and replaces it without a restart. Requests read `get()`
 * synchronously and keep the cache object they started with, which is never mutated: a reload
 * builds a whole new cache and swaps the reference, so nothing in flight fails. A reload that
 * fails keeps the old cache and is logged; the next trigger tries again.
 *
 * Triggers: a notification on channel `floe` with payload 'reload schema' (or empty, as PostgREST
 * accepts), sent by the DDL event trigger of migration 0003 or by hand, received on the process's
 * shared LISTEN connection (db/listener.ts; other payloads on `floe`, such as 'reload keys', are
 * other subscribers'); and every re-established LISTEN connection, since notifications sent
 * while it was down are lost. Bursts are debounced:
 * a reload starts once `debounceMs` pass without a new trigger, but never later than
 * `maxDelayMs` after the first one, and a trigger arriving during a reload queues exactly one
 * more (the running one may have read the catalog before that DDL committed).
 */
import type { Database, Unsubscribe, WithOwner } from '../../db/index.js'
import type { Logger } from '../../log.js'
import { loadSchemaCache } from './load.js'
import type { SchemaCache } from './types.js'

export interface SchemaCacheHolderOptions {
  /** The owner door loads the catalog; the listener brings the reload notifications. */
  database: Pick<Database, 'withOwner' | 'listener'>
  schemas: string[]
  log: Logger
  /** `false`: no live reload (no LISTEN). */
  listen?: boolean
  /** Defaults to `floe`, the channel migration 0003's event trigger notifies. */
  channel?: string
  /** Quiet time that ends a burst of triggers; default 50 ms. */
  debounceMs?: number
  /** Longest a continuing burst may postpone the reload; default 500 ms. */
  maxDelayMs?: number
  /** The loader, replaceable so a test can make a reload fail. */
  load?: (withOwner: WithOwner, schemas: string[]) => Promise<SchemaCache>
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
  /** Set while subscribed to the reload channel. */
  unlisten: Unsubscribe | undefined

  constructor(private readonly options: SchemaCacheHolderOptions & { load: NonNullable<SchemaCacheHolderOptions['load']> }) {}

  /** Counts as a running reload, so a notification that arrives meanwhile queues one after it
   *  instead of racing it (an older catalog read must not land last). */
  async loadInitial(): Promise<void> {
    const started = performance.now()
    const initial = this.options.load(this.options.database.withOwner, this.options.schemas)
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
      listening: this.unlisten !== undefined && this.options.database.listener.isListening,
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
    const unlisten = this.unlisten
    this.unlisten = undefined
    await unlisten?.()
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
      const cache = await this.options.load(this.options.database.withOwner, this.options.schemas)
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
 * two cannot be missed; if the LISTEN connection cannot be opened yet, the first load goes ahead
 * and the reconnect triggers a reload.
 */
export async function createSchemaCacheHolder(options: SchemaCacheHolderOptions): Promise<SchemaCacheHolder> {
  const holder = new Holder({ ...options, load: options.load ?? loadSchemaCache })
  if (options.listen !== false) {
    holder.unlisten = await options.database.listener.listen(
      options.channel ?? 'floe',
      (payload) => {
        if (RELOAD_PAYLOADS.has(payload)) holder.request()
      },
      { onMissed: () => holder.request() },
    )
  }
  try {
    await holder.loadInitial()
  } catch (err) {
    await holder.close()
    throw err
  }
  return holder
}
