import { sql, type Kysely } from 'kysely'
import type { DB, WithOwner } from '../db/index.js'
import { encryptSecret, randomToken, sha256 } from './crypto.js'

export type KeyKind = 'anon' | 'service'

export interface InstanceSecrets {
  jwtSecret: string
  /** Keys created by this boot (first run): shown once, never logged. */
  createdKeys: Partial<Record<KeyKind, string>>
}

const KEY_PREFIX: Record<KeyKind, string> = { anon: 'floe_anon_', service: 'floe_service_' }

export function generateApiKey(kind: KeyKind): string {
  return KEY_PREFIX[kind] + randomToken(32)
}

/**
 * First-boot secrets: the JWT secret (unless given by env) and one active key of each kind
 * (unless given by env), created once under a transaction-level advisory lock so two processes
 * booting together agree on one set.
 */
export async function ensureInstanceSecrets(
  withOwner: WithOwner,
  given: { jwtSecret?: string; anonKey?: string; serviceKey?: string },
): Promise<InstanceSecrets> {
  return withOwner('auth: first-boot secrets and keys', async ({ trx }) => {
    await sql`select pg_advisory_xact_lock(7261992002)`.execute(trx)
    let jwtSecret = given.jwtSecret
    if (!jwtSecret) {
      const row = await trx.selectFrom('floe.instance_secrets').select('value').where('name', '=', 'jwt_secret').executeTakeFirst()
      jwtSecret = row?.value
      if (!jwtSecret) {
        jwtSecret = randomToken(48)
        await trx.insertInto('floe.instance_secrets').values({ name: 'jwt_secret', value: jwtSecret }).execute()
      }
    }
    const createdKeys: Partial<Record<KeyKind, string>> = {}
    const active = await trx.selectFrom('floe.api_keys').select('kind').where('revoked_at', 'is', null).execute()
    const activeKinds = new Set(active.map((r) => r.kind))
    for (const kind of ['anon', 'service'] as const) {
      const fromEnv = kind === 'anon' ? given.anonKey : given.serviceKey
      if (fromEnv || activeKinds.has(kind)) continue
      const key = generateApiKey(kind)
      await insertKey(trx, kind, key, jwtSecret)
      createdKeys[kind] = key
    }
    return { jwtSecret, createdKeys }
  })
}

export async function insertKey(trx: Kysely<DB>, kind: KeyKind, key: string, jwtSecret: string): Promise<void> {
  await trx
    .insertInto('floe.api_keys')
    .values({ kind, key_hash: sha256(key), key_ciphertext: encryptSecret(key, jwtSecret), revoked_at: null })
    .execute()
}
