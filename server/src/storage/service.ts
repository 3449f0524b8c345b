/**
 * Storage domain logic. Every object access runs through withRequestRole so RLS on
 * storage.objects decides; the service role is used only for bucket settings (limits, public
 * flag) and for reads already authorised by a signature or a public bucket. Bytes move after
 * the metadata decision: written under a fresh version key before the row commits, old bytes
 * deleted after it commits, so a failure on either side never leaves a row without bytes.
 */
import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { StorageConfig } from '../config.js'
import type { DB, RequestRole, WithRequestRole } from '../db/index.js'
import { ApiError, isForeignKeyViolation, isUniqueViolation } from '../errors/index.js'
import type { Logger } from '../log.js'
import type { StorageMeter } from '../metrics/index.js'
import type { ByteRange, ObjectStore } from './object-store.js'
import { listEntries, type EntryQuery } from './list-queries.js'
import * as q from './queries.js'
import { RENDER_SUFFIX, renderImage, type RenderOptions } from './render.js'
import type { Signer } from './signing.js'
import { isMimeAllowed, UploadGuard } from './upload-guard.js'

/** A body that fails while it is read (a form cut short, a client gone) is the request's fault: 400. */
function bodyError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError('INVALID_INPUT', { message: 'The upload body could not be read to its end', details: err instanceof Error ? err.message : String(err), cause: err })
}

export type WithServiceRole = <T>(reason: string, fn: (trx: Kysely<DB>) => Promise<T>) => Promise<T>

export interface StorageServiceDeps {
  withRequestRole: WithRequestRole
  withServiceRole: WithServiceRole
  store: ObjectStore
  signer: Signer
  config: StorageConfig
  log: Logger
  /** Counts object bytes stored and read (metrics). */
  meter?: StorageMeter | undefined
}

export interface UploadInput {
  bucket: string
  name: string
  body: Readable
  contentType: string
  contentLength?: number | undefined
  upsert: boolean
  metadata?: Record<string, unknown> | undefined
  cacheControl?: string | undefined
}

const keyOf = (bucketId: string, version: string) => `${bucketId}/${version}`
const uid = (who: RequestRole) => (typeof who.claims.sub === 'string' ? who.claims.sub : null)
const objectNotFound = (bucket: string, name: string) =>
  new ApiError('STORAGE_OBJECT_NOT_FOUND', { details: `${bucket}/${name}`, hint: 'Check the path, or the rules that decide who may read it' })

export function createStorageService(deps: StorageServiceDeps) {
  const { withRequestRole: asCaller, withServiceRole, store, log } = deps

  const removeBytes = async (keys: string[]) => {
    // After COMMIT: a failure here leaves unreachable bytes, never a row without bytes.
    await store.remove(keys).catch((err: unknown) => log.warn({ err, keys: keys.length }, 'storage: could not delete object bytes'))
    // And the version's cached image renders (render.ts keys them `<version key>.render.<hash>`),
    // a few listings at a time.
    for (let i = 0; i < keys.length; i += 8) {
      await Promise.all(
        keys.slice(i, i + 8).map((k) => store.removePrefixed(`${k}${RENDER_SUFFIX}`).catch((err: unknown) => log.warn({ err }, 'storage: could not delete cached renders'))),
      )
    }
  }
  const getBucket = async (id: string) => {
    const b = await withServiceRole('storage: bucket settings', (trx) => q.findBucket(trx, id))
    if (!b) throw new ApiError('STORAGE_BUCKET_NOT_FOUND', { details: id })
    return b
  }
  const readable = async (who: RequestRole, bucket: string, name: string) => {
    const row = await asCaller(who, (trx) => q.findObject(trx, bucket, name), { readOnly: true })
    if (!row) throw objectNotFound(bucket, name)
    return row
  }

  return {
    maxUploadSize: deps.config.maxUploadSize,
    getBucket,
    async listBuckets(who: RequestRole, query: q.BucketListQuery = {}) {
      return asCaller(who, (trx) => q.listBuckets(trx, query), { readOnly: true })
    },
    async getBucketFor(who: RequestRole, id: string) {
      const b = await asCaller(who, (trx) => q.findBucket(trx, id), { readOnly: true })
      if (!b) throw new ApiError('STORAGE_BUCKET_NOT_FOUND', { details: id })
      return b
    },
    async createBucket(who: RequestRole, input: q.BucketInput & { name: string }) {
      return asCaller(who, async (trx) => {
        if (await q.findBucket(trx, input.name)) throw new ApiError('STORAGE_BUCKET_EXISTS', { details: input.name })
        return q.insertBucket(trx, input.name, input, uid(who))
      })
    },
    async updateBucket(who: RequestRole, id: string, input: q.BucketInput) {
      const b = await asCaller(who, (trx) => q.updateBucket(trx, id, input))
      if (!b) throw new ApiError('STORAGE_BUCKET_NOT_FOUND', { details: id })
      return b
    },
    async emptyBucket(who: RequestRole, id: string) {
      const versions = await asCaller(who, async (trx) => {
        if (!(await q.findBucket(trx, id))) throw new ApiError('STORAGE_BUCKET_NOT_FOUND', { details: id })
        return q.deleteAllObjects(trx, id)
      })
      await removeBytes(versions.map((v) => keyOf(id, v)))
      return { message: 'Successfully emptied', deleted: versions.length }
    },
    async deleteBucket(who: RequestRole, id: string) {
      await asCaller(who, async (trx) => {
        if (!(await q.findBucket(trx, id))) throw new ApiError('STORAGE_BUCKET_NOT_FOUND', { details: id })
        if (await q.hasObjects(trx, id)) throw new ApiError('STORAGE_BUCKET_NOT_EMPTY', { details: id, hint: 'Empty the bucket first' })
        await q.deleteBucket(trx, id)
      })
      return { message: 'Successfully deleted' }
    },

    async upload(who: RequestRole, input: UploadInput) {
      const bucket = await getBucket(input.bucket)
      const [maxBytes, limitName] =
        bucket.file_size_limit !== null && bucket.file_size_limit < deps.config.maxUploadSize
          ? [bucket.file_size_limit, `The bucket's file size limit`]
          : [deps.config.maxUploadSize, 'The maximum upload size']
      if (!isMimeAllowed(input.contentType, bucket.allowed_mime_types)) {
        throw new ApiError('STORAGE_MIME_TYPE_NOT_ALLOWED', { details: input.contentType, hint: `Allowed: ${bucket.allowed_mime_types?.join(', ')}` })
      }
      if (input.contentLength !== undefined && input.contentLength > maxBytes) {
        throw new ApiError('STORAGE_OBJECT_TOO_LARGE', { details: `${limitName} is ${maxBytes} bytes`, hint: 'Upload a smaller file' })
      }
      const version = randomUUID()
      const row = { bucket_id: bucket.id, name: input.name, mime_type: input.contentType, version, user_metadata: input.metadata ?? {}, cache_control: input.cacheControl }
      // The rules are asked before a byte is stored (rolled back), so a refused upload costs
      // no transfer; the real insert after streaming asks them again.
      await asCaller(who, (trx) => q.insertObject(trx, { ...row, size: 0, etag: '' }, input.upsert), { rollback: true }).catch(mapConflict)

      const guard = new UploadGuard({ maxBytes, limitName, allowedMimeTypes: bucket.allowed_mime_types, declaredType: input.contentType })
      input.body.once('error', (err) => guard.destroy(bodyError(err)))
      // The failure reaches us through store.put's rejection; a late second 'error' (a write
      // queued before the destroy) must not become an uncaught exception.
      guard.on('error', () => undefined)
      // The body may have failed already, while the rules were asked (a form cut short): then no
      // 'error' will come again, and piping it would wait for bytes that never arrive.
      const failed = input.body.errored ?? (input.body.destroyed && !input.body.readableEnded ? new Error('The upload body closed before its end') : null)
      if (failed) guard.destroy(bodyError(failed))
      else input.body.pipe(guard)
      const key = keyOf(bucket.id, version)
      try {
        await store.put(key, guard, input.contentType)
        const { size, etag } = guard.result()
        const saved = await asCaller(who, (trx) => q.insertObject(trx, { ...row, size, etag }, input.upsert)).catch(mapConflict)
        deps.meter?.uploaded(size)
        if (saved.old_version) await removeBytes([keyOf(bucket.id, saved.old_version)])
        return saved
      } catch (err) {
        await removeBytes([key])
        input.body.resume() // drain what is left so the connection can answer the error
        throw err
      }
    },

    /** The checks an upload passes before its first byte (resumable uploads ask at creation). */
    async checkUpload(who: RequestRole, bucketId: string, name: string, contentType: string, size: number | undefined, upsert: boolean) {
      const bucket = await getBucket(bucketId)
      const max = Math.min(bucket.file_size_limit ?? Infinity, deps.config.maxUploadSize)
      if (!isMimeAllowed(contentType, bucket.allowed_mime_types)) throw new ApiError('STORAGE_MIME_TYPE_NOT_ALLOWED', { details: contentType })
      if (size !== undefined && size > max) throw new ApiError('STORAGE_OBJECT_TOO_LARGE', { details: `The limit is ${max} bytes` })
      const row = { bucket_id: bucket.id, name, mime_type: contentType, version: randomUUID(), user_metadata: {}, size: 0, etag: '' }
      await asCaller(who, (trx) => q.insertObject(trx, row, upsert), { rollback: true }).catch(mapConflict)
    },

    async info(who: RequestRole, bucket: string, name: string) {
      return readable(who, bucket, name)
    },
    /** For a caller: RLS decides. `authorised`: a signature or a public bucket already did. */
    async open(who: RequestRole | 'authorised', bucket: string, name: string) {
      const row =
        who === 'authorised'
          ? await withServiceRole('storage: signed or public read', (trx) => q.findObject(trx, bucket, name))
          : await readable(who, bucket, name)
      if (!row) throw objectNotFound(bucket, name)
      const read = async (range?: ByteRange) => {
        const stream = await store.get(keyOf(row.bucket_id, row.version), range)
        // Counted as the read starts: a reader gone halfway is counted whole.
        deps.meter?.downloaded(range ? range.end - range.start + 1 : row.size)
        return stream
      }
      return { row, read }
    },
    async openPublic(bucket: string, name: string) {
      const b = await getBucket(bucket)
      if (!b.public) throw new ApiError('STORAGE_BUCKET_NOT_FOUND', { details: bucket, hint: 'The bucket is not public: use a signed URL' })
      return this.open('authorised', bucket, name)
    },
    async list(who: RequestRole, bucket: string, query: q.ListQuery) {
      await getBucket(bucket)
      return asCaller(who, (trx) => q.listObjects(trx, bucket, query), { readOnly: true })
    },
    /** One level under `prefix`, deeper names folded into folders (supabase-js `list`, `listV2`). */
    async listEntries(who: RequestRole, bucket: string, query: EntryQuery) {
      await getBucket(bucket)
      return asCaller(who, (trx) => listEntries(trx, bucket, query), { readOnly: true })
    },
    /** Within a bucket a metadata update; into another, the bytes are copied under a new key first. */
    async move(who: RequestRole, bucket: string, from: string, to: string, toBucket = bucket) {
      const src = toBucket === bucket ? undefined : await readable(who, bucket, from)
      const version = src ? randomUUID() : undefined
      if (src) {
        checkFits(await getBucket(toBucket), src)
        await store.copy(keyOf(bucket, src.version), keyOf(toBucket, version!))
      }
      try {
        const row = await asCaller(who, async (trx) => {
          if (await q.findObject(trx, toBucket, to)) throw new ApiError('STORAGE_OBJECT_EXISTS', { details: `${toBucket}/${to}` })
          return q.renameObject(trx, bucket, from, { bucket_id: toBucket, name: to, version })
        }).catch(mapConflict)
        if (!row) throw objectNotFound(bucket, from)
        if (src) await removeBytes([keyOf(bucket, row.old_version)])
        return row
      } catch (err) {
        if (version) await removeBytes([keyOf(toBucket, version)])
        throw err
      }
    },
    async copy(who: RequestRole, bucket: string, from: string, to: string, upsert: boolean, toBucket = bucket) {
      const src = await readable(who, bucket, from)
      if (toBucket !== bucket) checkFits(await getBucket(toBucket), src)
      const version = randomUUID()
      await store.copy(keyOf(bucket, src.version), keyOf(toBucket, version))
      try {
        const saved = await asCaller(who, (trx) =>
          q.insertObject(trx, { ...src, bucket_id: toBucket, name: to, version, user_metadata: src.user_metadata }, upsert),
        ).catch(mapConflict)
        if (saved.old_version) await removeBytes([keyOf(toBucket, saved.old_version)])
        return saved
      } catch (err) {
        await removeBytes([keyOf(toBucket, version)])
        throw err
      }
    },
    async remove(who: RequestRole, bucket: string, names: string[]) {
      const rows = await asCaller(who, (trx) => q.deleteObjects(trx, bucket, names))
      await removeBytes(rows.map((r) => keyOf(bucket, r.version)))
      return rows
    },

    async signDownload(who: RequestRole, bucket: string, name: string, expiresIn: number, transform?: Record<string, string | number>) {
      await readable(who, bucket, name) // only what the caller may read can be shared
      return deps.signer.sign({ k: 'r', b: bucket, n: name, exp: Math.floor(Date.now() / 1000) + expiresIn, ...(transform ? { t: transform } : {}) })
    },
    /** Many paths at once (supabase-js createSignedUrls): a path the caller may not read gets an error, not a URL. */
    async signDownloads(who: RequestRole, bucket: string, names: string[], expiresIn: number) {
      await getBucket(bucket)
      const found = await asCaller(who, (trx) => q.findReadableNames(trx, bucket, names), { readOnly: true })
      const exp = Math.floor(Date.now() / 1000) + expiresIn
      return names.map((name) => ({ name, token: found.has(name) ? deps.signer.sign({ k: 'r', b: bucket, n: name, exp }) : null }))
    },
    async signUpload(who: RequestRole, bucket: string, name: string, upsert: boolean, expiresIn: number) {
      // Asked as the upload itself will be (the rules' insert check, rolled back) before the bucket
      // is looked up: a caller the rules refuse gets no URL, and learns nothing of whether the
      // bucket exists (RLS decides before the bucket's foreign key is checked).
      const row = { bucket_id: bucket, name, mime_type: 'application/octet-stream', version: randomUUID(), user_metadata: {}, size: 0, etag: '' }
      await asCaller(who, (trx) => q.insertObject(trx, row, upsert), { rollback: true }).catch((err: unknown) => {
        if (isForeignKeyViolation(err)) throw new ApiError('STORAGE_BUCKET_NOT_FOUND', { details: bucket })
        return mapConflict(err)
      })
      // The upload will run as the signer, under the signer's rules, when it happens.
      return deps.signer.sign({ k: 'w', b: bucket, n: name, exp: Math.floor(Date.now() / 1000) + expiresIn, role: who.role, claims: who.claims, upsert })
    },
    /** The row was read through open()/openPublic(): access is already decided. */
    render(row: q.ObjectRow, options: RenderOptions) {
      return renderImage(store, row, options, deps.config.image)
    },
    verify: deps.signer.verify,
  }
}

export type StorageService = ReturnType<typeof createStorageService>

/** A copy or move into another bucket keeps that bucket's limits. */
function checkFits(bucket: q.BucketRow, row: q.ObjectRow) {
  if (!isMimeAllowed(row.mime_type, bucket.allowed_mime_types)) {
    throw new ApiError('STORAGE_MIME_TYPE_NOT_ALLOWED', { details: row.mime_type, hint: `Allowed in ${bucket.id}: ${bucket.allowed_mime_types?.join(', ')}` })
  }
  if (bucket.file_size_limit !== null && row.size > bucket.file_size_limit) {
    throw new ApiError('STORAGE_OBJECT_TOO_LARGE', { details: `The file size limit of ${bucket.id} is ${bucket.file_size_limit} bytes` })
  }
}

function mapConflict(err: unknown): never {
  if (isUniqueViolation(err)) {
    throw new ApiError('STORAGE_OBJECT_EXISTS', { hint: 'Send x-upsert: true to overwrite', cause: err })
  }
  throw err
}
