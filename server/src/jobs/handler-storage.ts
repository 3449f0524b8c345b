/**
 * The storage client of job handlers: the service behind /storage/v1 (so metadata rows and bytes
 * stay consistent and bucket limits still apply), acting as the service role. A handler is the
 * server's own code, outside any caller's rules, like its database handle; it passes no identity.
 */
import type { RequestRole } from '../db/index.js'
import type { StorageService } from '../storage/index.js'

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
