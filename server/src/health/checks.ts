/**
 * The readiness checks `/ready` runs, one per dependency. Each is built from the smallest view of
 * the thing it probes (declared here, so health imports no module), times the probe and turns a
 * failure into an `error` entry with its reason.
 */
import type { CheckResult, ReadinessCheck } from './router.js'

const ms = (started: number) => Math.round((performance.now() - started) * 100) / 100

/** A probe timed and caught: what it resolves to becomes the message. */
function timed(name: string, required: boolean, probe: () => Promise<string | undefined>): ReadinessCheck {
  return {
    name,
    required,
    async run(): Promise<CheckResult> {
      const started = performance.now()
      try {
        const message = await probe()
        return { status: 'ok', latency_ms: ms(started), ...(message !== undefined && { message }) }
      } catch (err) {
        return { status: 'error', message: err instanceof Error ? err.message : 'failed' }
      }
    },
  }
}

export interface ReadinessTargets {
  /** `ping` answers its own round trip in ms. */
  database: { ping(): Promise<number> }
  objectStore: { kind: string; check(): Promise<void> }
  schemaCache: { stats(): { listening: boolean; lastLoadMs: number; loadedAt: Date } }
  jobs?: { check(): Promise<CheckResult> } | undefined
  redis?: { ping(): Promise<unknown> } | undefined
  realtime?: { check(): Promise<CheckResult> } | undefined
}

/** Required: the database. The rest are reported, and /ready stays 200 while they are down. */
export function readinessChecks(t: ReadinessTargets): ReadinessCheck[] {
  return [
    timed('storage', false, async () => {
      await t.objectStore.check().catch((err: unknown) => {
        throw new Error(`${t.objectStore.kind}: ${err instanceof Error ? err.message : 'failed'}`)
      })
      return t.objectStore.kind
    }),
    { name: 'database', required: true, run: async () => ({ status: 'ok', latency_ms: await t.database.ping() }) },
    {
      name: 'schema_cache',
      required: false,
      run: async () => {
        const st = t.schemaCache.stats()
        return st.listening
          ? { status: 'ok', latency_ms: Math.round(st.lastLoadMs * 100) / 100, message: `loaded ${st.loadedAt.toISOString()}` }
          : { status: 'error', message: 'not listening for schema changes (reconnecting); serving the last loaded cache' }
      },
    },
    { name: 'jobs', required: false, run: () => t.jobs?.check() ?? Promise.resolve({ status: 'disabled', message: 'jobs are not mounted' }) },
    { name: 'realtime', required: false, run: () => t.realtime?.check() ?? Promise.resolve({ status: 'disabled', message: 'realtime is not mounted' }) },
    {
      name: 'redis',
      required: false,
      run: () => (t.redis ? timed('redis', false, async () => void (await t.redis!.ping())).run() : Promise.resolve({ status: 'disabled', message: 'REDIS_URL is not set' })),
    },
  ]
}
