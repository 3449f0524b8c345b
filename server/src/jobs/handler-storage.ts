/**
 * The storage client of job handlers: the service behind /storage/v1 (so metadata rows and bytes
 * stay consistent and bucket limits still apply), acting as the service role. A handler is the
 * server's own code, outside any caller's rules, like its database handle; it passes no identity.
 */
import type { Config } from '../config.js'
import { createWithRequestRole, createWithServiceRole, type Database, type RequestRole } from '../db/index.js'
import { ensureInstanceSecrets, jwtKeysFrom } from '../auth/index.js'
import type { Logger } from '../log.js'
import { createObjectStore, createSigner, createStorageService, type StorageService } from '../storage/index.js'

const SERVICE_ROLE: RequestRole = { role: 'service_role', claims: { role: 'service_role' } }

/** The service's calls that take the caller first, here without it. */
const BOUND = [
  'listBuckets',
  'getBucketFor',
  'createBucket',
  'updateBucket',
  'emptyBucket',
  'deleteBucket',
  'upload',
  'info',
  'open',
  'list',
  'move',
  'copy',
  'remove',
  'signDownload',
  'signUpload',
] as const

type WithoutCaller<F> = F extends (who: never, ...args: infer A) => infer R ? (...args: A) => R : never
export type HandlerStorage = { [K in (typeof BOUND)[number]]: WithoutCaller<StorageService[K]> }

export function bindServiceRole(service: StorageService): HandlerStorage {
  const out: Record<string, unknown> = {}
  for (const name of BOUND) {
    const fn = service[name] as (who: RequestRole, ...args: unknown[]) => unknown
    out[name] = (...args: unknown[]) => fn.call(service, SERVICE_ROLE, ...args)
  }
  return out as HandlerStorage
}

/** Built where the workers run (the server or `floe worker`), from the same config as /storage/v1. */
export async function createHandlerStorage(config: Readonly<Config>, database: Database, log: Logger): Promise<HandlerStorage> {
  const store = createObjectStore(config.storage, config.dataDir)
  await store.init().catch((err: unknown) => log.warn({ err: { message: (err as Error).message } }, `jobs: storage (${store.kind}) is not reachable yet`))
  // Signed URLs made by a handler must verify on the server: the same instance secret.
  const secrets = await ensureInstanceSecrets(database.db, config)
  const service = createStorageService({
    withRequestRole: createWithRequestRole(database.db, { allowedRoles: new Set([SERVICE_ROLE.role]), statementTimeoutMs: config.requestTimeoutMs }),
    withServiceRole: createWithServiceRole(database.db),
    store,
    signer: createSigner(jwtKeysFrom(secrets.jwtSecret, config.jwtPreviousSecrets).secrets[0]!),
    config: config.storage,
    log,
  })
  return bindServiceRole(service)
}
