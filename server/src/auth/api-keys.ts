import { sql, type Kysely } from 'kysely'
import type { DB, WithOwner } from '../db/index.js'
import { decryptSecret, digestsEqual, sha256 } from './crypto.js'
import { generateApiKey, insertKey, type KeyKind } from './instance-secrets.js'

export type { KeyKind }

const ROLE_OF: Record<KeyKind, string> = { anon: 'anon', service: 'service_role' }

interface KnownKey {
  kind: KeyKind
  hash: Buffer
}

export interface ApiKeyVerifier {
  /** The key's kind and role, or undefined for an unknown or revoked key. */
  verify(presented: string): Promise<{ kind: KeyKind; role: string } | undefined>
  /** Forget cached keys now (after a rotation in this process). */
  refresh(): Promise<void>
  stop(): void
}

/**
 * Checks presented API keys against the active keys (env-given ones and the database's).
 * Keys are compared as SHA-256 digests with timingSafeEqual, against every known key, so neither
 * the comparison nor the loop returns early on a partial match. Active keys are held in memory,
 * reloaded on the 'reload keys' notification a rotation sends (boot wires it) and every
 * `refreshMs` as a fallback (a revoked key stops working within that time even if the
 * notification was missed); an unknown key triggers one reload at most every `missReloadMs` so a key created by
 * another replica works at once without letting wrong keys hammer the database.
 */
export function createApiKeyVerifier(
  db: Kysely<DB>,
  given: { anonKey?: string; serviceKey?: string },
  options: { refreshMs?: number; missReloadMs?: number } = {},
): ApiKeyVerifier {
  const envKeys: KnownKey[] = []
  if (given.anonKey) envKeys.push({ kind: 'anon', hash: sha256(given.anonKey) })
  if (given.serviceKey) envKeys.push({ kind: 'service', hash: sha256(given.serviceKey) })
  const envKinds = new Set(envKeys.map((k) => k.kind))
  let keys: KnownKey[] = [...envKeys]
  let loadedAt = 0
  let loading: Promise<void> | undefined

  async function load(): Promise<void> {
    loading ??= (async () => {
      try {
        const rows = await db.selectFrom('floe.api_keys').select(['kind', 'key_hash']).where('revoked_at', 'is', null).execute()
        // An env-given key replaces the database's key of the same kind.
        keys = [...envKeys, ...rows.filter((r) => !envKinds.has(r.kind)).map((r) => ({ kind: r.kind, hash: r.key_hash }))]
        loadedAt = Date.now()
      } finally {
        loading = undefined
      }
    })()
    return loading
  }

  function match(hash: Buffer): KnownKey | undefined {
    let found: KnownKey | undefined
    for (const k of keys) if (digestsEqual(k.hash, hash) && !found) found = k
    return found
  }

  const refreshMs = options.refreshMs ?? 10_000
  const missReloadMs = options.missReloadMs ?? 2_000
  const timer = setInterval(() => void load().catch(() => undefined), refreshMs)
  timer.unref()

  return {
    async verify(presented) {
      if (loadedAt === 0) await load()
      const hash = sha256(presented)
      let k = match(hash)
      if (!k && Date.now() - loadedAt > missReloadMs) {
        await load()
        k = match(hash)
      }
      return k ? { kind: k.kind, role: ROLE_OF[k.kind] } : undefined
    },
    refresh: load,
    stop: () => clearInterval(timer),
  }
}

/** The active database keys in clear (for `floe keys`). Env-given keys are reported by name. */
export async function listKeys(db: Kysely<DB>, jwtSecret: string): Promise<{ kind: KeyKind; key: string; createdAt: Date }[]> {
  const rows = await db
    .selectFrom('floe.api_keys')
    .select(['kind', 'key_ciphertext', 'created_at'])
    .where('revoked_at', 'is', null)
    .orderBy('kind')
    .execute()
  return rows.map((r) => ({ kind: r.kind, key: decryptSecret(r.key_ciphertext, jwtSecret), createdAt: r.created_at }))
}

/** Replaces the active key of a kind with a new one in one transaction; returns the new key. */
export async function rotateKey(withOwner: WithOwner, kind: KeyKind, jwtSecret: string): Promise<string> {
  const key = generateApiKey(kind)
  await withOwner(`auth: rotate the ${kind} key`, async ({ trx }) => {
    await trx.updateTable('floe.api_keys').set({ revoked_at: new Date() }).where('kind', '=', kind).where('revoked_at', 'is', null).execute()
    await insertKey(trx, kind, key, jwtSecret)
    // Delivered at COMMIT to every server on this database: they drop the old key at once.
    await sql`select pg_notify('floe', 'reload keys')`.execute(trx)
  })
  return key
}

/** The notification payload after which servers reload their API keys. */
export const RELOAD_KEYS_PAYLOAD = 'reload keys'
