import type { Config } from '../config.js'
import type { WithOwner } from '../db/index.js'
import { ensureInstanceSecrets, listKeys } from '../auth/index.js'

const TTL_MS = 5_000

/**
 * The anon key as the dashboard is told it: the env-given one, else the database's active key,
 * read again every few seconds so a rotation (from any replica) reaches new page loads soon.
 * The JWT secret that decrypts it is fixed for the process's life, so it is read once.
 */
export function createAnonKeyReader(withOwner: WithOwner, config: Pick<Config, 'anonKey' | 'serviceKey' | 'jwtSecret'>): () => Promise<string | undefined> {
  if (config.anonKey) {
    const key = config.anonKey
    return async () => key
  }
  let secret: Promise<string> | undefined
  let cached: { key: string | undefined; at: number } | undefined
  return async () => {
    if (cached && Date.now() - cached.at < TTL_MS) return cached.key
    // First boot created the secrets already: this only reads them back (under its advisory lock).
    secret ??= ensureInstanceSecrets(withOwner, config).then((s) => s.jwtSecret)
    const jwtSecret = await secret.catch((err: unknown) => {
      secret = undefined
      throw err
    })
    const keys = await withOwner('dashboard: read the anon key', ({ trx }) => listKeys(trx, jwtSecret), { readOnly: true })
    cached = { key: keys.find((k) => k.kind === 'anon')?.key, at: Date.now() }
    return cached.key
  }
}
