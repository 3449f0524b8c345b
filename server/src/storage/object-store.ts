/**
 * Where object bytes live. Two drivers behind one small interface: S3 through the `minio`
 * client (production, docker compose) and a directory under FLOE_DATA_DIR (the zero-config first
 * run). Keys are opaque (`<bucket_id>/<version>`): names, sizes, types and ETags are the
 * metadata's business, computed by the service while streaming, so both drivers stay dumb.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Client } from 'minio'
import type { StorageConfig } from '../config.js'
import { markServiceFailure } from '../errors/index.js'

export interface ByteRange {
  start: number
  /** Inclusive, as in HTTP Range. */
  end: number
}

export interface ObjectStore {
  readonly kind: 's3' | 'filesystem'
  /** Creates the S3 bucket or the directory if missing. */
  init(): Promise<void>
  /** Resolves once every byte of `source` is stored; rejects (storing nothing) if `source` errors. */
  put(key: string, source: Readable, contentType: string): Promise<void>
  get(key: string, range?: ByteRange): Promise<Readable>
  copy(fromKey: string, toKey: string): Promise<void>
  /** Missing keys are not an error: deletes are retried after failures. */
  remove(keys: string[]): Promise<void>
  /** Removes every object whose key starts with `prefix` (an object's cached renders). */
  removePrefixed(prefix: string): Promise<void>
  /** For /ready: throws when the store cannot be reached. */
  check(): Promise<void>
  /** Where one stored object is (a file path or `bucket/key`), or undefined for an empty store: a restore's check. */
  anyObject(): Promise<string | undefined>
}

/** 5 MiB parts (the S3 minimum), so an upload holds about two parts in memory; max object 50 GB (10,000 parts). */
const PART_SIZE = 5 * 1024 * 1024

export function createObjectStore(config: StorageConfig, dataDir: string): ObjectStore {
  return marked(config.s3 ? s3Store(config) : filesystemStore(path.join(dataDir, 'storage'), config.keyPrefix))
}

/** Failures marked as the object store's, so an unreachable store answers 503 STORAGE_UNAVAILABLE. */
function marked(store: ObjectStore): ObjectStore {
  const wrap = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => (...args: A): Promise<R> =>
    fn(...args).catch((err: unknown) => Promise.reject(markServiceFailure(err, 'storage')))
  return {
    kind: store.kind,
    init: wrap(store.init),
    put: wrap(store.put),
    get: wrap(store.get),
    copy: wrap(store.copy),
    remove: wrap(store.remove),
    removePrefixed: wrap(store.removePrefixed),
    check: wrap(store.check),
    anyObject: wrap(store.anyObject),
  }
}

export function s3Store(config: StorageConfig): ObjectStore {
  const s3 = config.s3!
  const client = new Client({
    endPoint: s3.endPoint,
    ...(s3.port !== undefined ? { port: s3.port } : {}),
    useSSL: s3.useSSL,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    region: s3.region,
    pathStyle: true,
    partSize: PART_SIZE,
  })
  const bucket = config.bucket
  const full = (key: string) => config.keyPrefix + key
  return {
    kind: 's3',
    async init() {
      if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket, s3.region).catch(async (err: unknown) => {
        // Another replica may have created it between the two calls.
        if (!(await client.bucketExists(bucket))) throw err
      })
    },
    async put(key, source, contentType) {
      // Multipart by hand rather than putObject(stream): reading the source only between parts
      // keeps one part (5 MiB) in memory plus the one being sent, an upload that fails or is cut
      // is aborted (no object, no truncated copy), and no ListMultipartUploads call is needed.
      const name = full(key)
      const headers = { 'Content-Type': contentType }
      let uploadId: string | undefined
      const parts: { part: number; etag: string }[] = []
      // One part buffer per upload, refilled after each part is sent (the loop awaits the send
      // before reading on): no 5 MiB allocation per part for the allocator to hold on to.
      const buffer = Buffer.allocUnsafe(PART_SIZE)
      let filled = 0
      const sendPart = async () => {
        const body = buffer.subarray(0, filled)
        uploadId ??= await client.initiateNewMultipartUpload(bucket, name, headers)
        const part = parts.length + 1
        const md5 = createHash('md5').update(body).digest('base64')
        const r = await client.uploadPart({ bucketName: bucket, objectName: name, uploadID: uploadId, partNumber: part, headers: { 'Content-Length': body.length, 'Content-MD5': md5 } }, body)
        parts.push({ part, etag: r.etag })
        filled = 0
      }
      try {
        for await (const chunk of source) {
          let from = 0
          const bytes = chunk as Buffer
          while (from < bytes.length) {
            const n = bytes.copy(buffer, filled, from)
            filled += n
            from += n
            if (filled === PART_SIZE) await sendPart()
          }
        }
        if (uploadId === undefined) {
          await client.putObject(bucket, name, Buffer.from(buffer.subarray(0, filled)), filled, headers)
          return
        }
        if (filled > 0) await sendPart()
        await client.completeMultipartUpload(bucket, name, uploadId, parts)
      } catch (err) {
        if (uploadId !== undefined) await client.abortMultipartUpload(bucket, name, uploadId).catch(() => undefined)
        throw err
      }
    },
    async get(key, range) {
      if (!range) return client.getObject(bucket, full(key))
      return client.getPartialObject(bucket, full(key), range.start, range.end - range.start + 1)
    },
    async copy(fromKey, toKey) {
      await client.copyObject(bucket, full(toKey), `/${bucket}/${full(fromKey)}`)
    },
    async remove(keys) {
      if (keys.length > 0) await client.removeObjects(bucket, keys.map(full))
    },
    async removePrefixed(prefix) {
      const names: string[] = []
      for await (const item of client.listObjectsV2(bucket, full(prefix), true) as AsyncIterable<{ name?: string }>) {
        if (item.name) names.push(item.name)
      }
      if (names.length > 0) await client.removeObjects(bucket, names)
    },
    async check() {
      if (!(await client.bucketExists(bucket))) throw new Error(`S3 bucket ${bucket} does not exist`)
    },
    async anyObject() {
      if (!(await client.bucketExists(bucket))) return undefined
      for await (const item of client.listObjectsV2(bucket, config.keyPrefix, true) as AsyncIterable<{ name?: string }>) {
        if (item.name) return `S3 bucket ${bucket} holds ${item.name}`
      }
      return undefined
    },
  }
}

export function filesystemStore(root: string, keyPrefix = ''): ObjectStore {
  // Keys are built by the service from a validated bucket id and a uuid, never from user input;
  // the check is a second fence against a path that would leave the root.
  const file = (key: string) => {
    const p = path.resolve(root, keyPrefix + key)
    if (!p.startsWith(path.resolve(root) + path.sep)) throw new Error('object key outside the storage directory')
    return p
  }
  return {
    kind: 'filesystem',
    async init() {
      await mkdir(root, { recursive: true })
    },
    async put(key, source) {
      const target = file(key)
      await mkdir(path.dirname(target), { recursive: true })
      // Written under a temporary name and renamed: a reader never sees half a file.
      const tmp = `${target}.${randomUUID()}.part`
      try {
        await pipeline(source, createWriteStream(tmp))
        await rename(tmp, target)
      } catch (err) {
        await rm(tmp, { force: true })
        throw err
      }
    },
    async get(key, range) {
      const p = file(key)
      await stat(p) // a missing file must reject here, not later mid-response
      return createReadStream(p, range ? { start: range.start, end: range.end } : {})
    },
    async copy(fromKey, toKey) {
      const target = file(toKey)
      await mkdir(path.dirname(target), { recursive: true })
      await copyFile(file(fromKey), target)
    },
    async remove(keys) {
      await Promise.all(keys.map((k) => rm(file(k), { force: true })))
    },
    async removePrefixed(prefix) {
      const p = file(prefix)
      const dir = path.dirname(p)
      const start = path.basename(p)
      const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)))
      await Promise.all(names.filter((n) => n.startsWith(start) && !n.endsWith('.part')).map((n) => rm(path.join(dir, n), { force: true })))
    },
    async check() {
      await stat(root)
    },
    async anyObject() {
      const first = await firstFile(root, '')
      return first === undefined ? undefined : `${path.join(root, first)} exists`
    },
  }
}

async function firstFile(root: string, rel: string): Promise<string | undefined> {
  const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch(() => [])
  for (const e of entries) {
    const r = path.join(rel, e.name)
    if (e.isFile()) return r
    if (e.isDirectory()) {
      const found = await firstFile(root, r)
      if (found) return found
    }
  }
  return undefined
}
