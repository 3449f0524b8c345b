import type { Config } from '../../config.js'
import type { WithOwner } from '../../db/index.js'
import { ApiError } from '../../errors/index.js'
import { ensureInstanceSecrets, listKeys, rotateKey, type KeyKind } from '../../auth/index.js'
import type { Identity } from '../../http/index.js'
import { recordAudit } from '../audit.js'

export interface KeyDeps {
  /** Transactions as the server's own role (the keys table's owner). */
  withOwner: WithOwner
  /** The env-given secrets: an env-given key replaces the database's key of its kind. */
  instanceKeys: Pick<Config, 'jwtSecret' | 'anonKey' | 'serviceKey'>
}

export interface ApiKeyInfo {
  kind: KeyKind
  key: string
  /** `env`: FLOE_ANON_KEY / FLOE_SERVICE_KEY (rotated by changing the variable), else `database`. */
  source: 'env' | 'database'
  created_at: string | null
}

export interface KeyService {
  list(): Promise<ApiKeyInfo[]>
  rotate(kind: KeyKind, by: Identity): Promise<ApiKeyInfo>
}

const ENV_NAME: Record<KeyKind, string> = { anon: 'FLOE_ANON_KEY', service: 'FLOE_SERVICE_KEY' }
const KINDS: readonly KeyKind[] = ['anon', 'service']

export function createKeyService({ withOwner, instanceKeys }: KeyDeps): KeyService {
  const envKey = (kind: KeyKind) => (kind === 'anon' ? instanceKeys.anonKey : instanceKeys.serviceKey)
  // The JWT secret (which encrypts the stored keys) is fixed for the process's life: read once.
  // The first boot created it, so this only reads it back.
  let secret: Promise<string> | undefined
  const jwtSecret = () => {
    secret ??= ensureInstanceSecrets(withOwner, instanceKeys).then((s) => s.jwtSecret)
    return secret.catch((err: unknown) => {
      secret = undefined
      throw err
    })
  }

  return {
    async list() {
      const stored = await withOwner('admin: list API keys', async ({ trx }) => listKeys(trx, await jwtSecret()), { readOnly: true })
      return KINDS.flatMap((kind): ApiKeyInfo[] => {
        const fromEnv = envKey(kind)
        if (fromEnv) return [{ kind, key: fromEnv, source: 'env', created_at: null }]
        const k = stored.find((s) => s.kind === kind)
        return k ? [{ kind, key: k.key, source: 'database', created_at: k.createdAt.toISOString() }] : []
      })
    },

    async rotate(kind, by) {
      if (envKey(kind)) {
        throw new ApiError('INVALID_INPUT', {
          details: `The ${kind} key is set by ${ENV_NAME[kind]}`,
          hint: `Change ${ENV_NAME[kind]} and restart the server to replace it`,
        })
      }
      const s = await jwtSecret()
      // rotateKey's own transaction also carries the audit entry: both commit or neither does.
      const audited: WithOwner = (reason, fn, options) =>
        withOwner(reason, async (tx) => {
          const result = await fn(tx)
          await recordAudit(tx.client, by, { action: 'keys.rotate', target: kind })
          return result
        }, options)
      const key = await rotateKey(audited, kind, s)
      return { kind, key, source: 'database', created_at: new Date().toISOString() }
    },
  }
}
