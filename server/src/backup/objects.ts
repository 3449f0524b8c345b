/**
 * Object bytes: read through the storage module's ObjectStore (filesystem or S3, whichever the
 * configuration chooses) for every row of storage.objects, and put back the same way. Cached
 * image renders and unfinished resumable uploads are not copied: the first are made again on
 * demand, the second must be restarted by their clients.
 */
import type { Config } from '../config.js'
import { createObjectStore, type ObjectStore } from '../storage/index.js'
import type { ArchiveEntry, ArchiveWriter } from './archive.js'
import type { StoredObject } from './inventory.js'
import type { Progress } from './progress.js'

export const OBJECTS_PREFIX = 'objects/'

export function openStore(config: Readonly<Config>): ObjectStore {
  return createObjectStore(config.storage, config.dataDir)
}

export interface ObjectsBackup {
  copied: number
  bytes: number
  /** Rows whose bytes were missing from the store (deleted while the backup ran, or lost before). */
  missing: string[]
}

export async function backupObjects(store: ObjectStore, objects: StoredObject[], archive: ArchiveWriter, progress: Progress): Promise<ObjectsBackup> {
  let bytes = 0
  let done = 0
  const missing: string[] = []
  for (const o of objects) {
    const key = `${o.bucket_id}/${o.version}`
    let source
    try {
      source = await store.get(key)
    } catch (err) {
      if (!isMissing(err)) throw err
      missing.push(key)
      progress.step('objects', ++done, objects.length, bytes)
      continue
    }
    await archive.add(OBJECTS_PREFIX + key, o.size, source)
    bytes += o.size
    progress.step('objects', ++done, objects.length, bytes)
  }
  return { copied: objects.length - missing.length, bytes, missing }
}

function isMissing(err: unknown): boolean {
  const e = (err as { cause?: unknown }).cause ?? err
  const code = (e as { code?: string }).code
  return code === 'ENOENT' || code === 'NoSuchKey' || code === 'NotFound'
}

/** Puts one archive entry of `objects/` back into the store; true when the entry was one. */
export async function restoreObjectEntry(store: ObjectStore, entry: ArchiveEntry, mimeTypes: Map<string, string>): Promise<boolean> {
  if (!entry.name.startsWith(OBJECTS_PREFIX) || entry.type !== 'file') return false
  const key = entry.name.slice(OBJECTS_PREFIX.length)
  await store.put(key, entry.stream, mimeTypes.get(key) ?? 'application/octet-stream')
  return true
}

/** Why the configured store is not empty (one object it holds), or undefined. */
export function findStoredKey(config: Readonly<Config>): Promise<string | undefined> {
  return openStore(config).anyObject()
}
