/**
 * Resumable uploads over the TUS protocol (@tus/server), at /storage/v1/upload/resumable, with
 * Supabase's metadata keys (bucketName, objectName, contentType, cacheControl, upsert) and its
 * `x-upsert` header on the creating request, as tus-js-client sends them. Partial uploads are
 * kept by @tus/file-store under FLOE_DATA_DIR/tus; when the last byte arrives the file is streamed
 * through the ordinary upload path (rules, limits, sniffing, consistency) and then removed.
 * Replicas behind a load balancer need that directory shared (or sticky sessions).
 */
import { createReadStream } from 'node:fs'
import path from 'node:path'
import { FileStore } from '@tus/file-store'
import { Server } from '@tus/server'
import { z } from 'zod'
import { ApiError, renderError } from '../errors/index.js'
import type { Identity } from '../http/index.js'
import type { StorageService } from './service.js'
import { BucketId, MimeType, ObjectName } from './schemas.js'

export const RESUMABLE_PATH = '/storage/v1/upload/resumable'

/** Supabase's docs pass `cacheControl: 3600` in the TUS metadata: seconds. */
const CacheSeconds = z.string().regex(/^\d{1,10}$/).optional()

/** A TUS error answer: the status and our usual JSON body (@tus/server writes its own headers). */
function tusError(err: unknown, role = 'anon'): { status_code: number; body: string } {
  const { status, body } = renderError(err, role, 'storage')
  return { status_code: status, body }
}

export function createResumableUploads(deps: { service: StorageService; dataDir: string; maxUploadSize: number; publicUrl: string }) {
  const directory = path.join(deps.dataDir, 'tus')
  const datastore = new FileStore({ directory })
  // The verified identity of each request, handed over by the route (the Request is the key).
  const identities = new WeakMap<object, Identity>()
  const who = (req: object) => {
    const id = identities.get(req)
    if (!id) throw new ApiError('UNAUTHENTICATED')
    return id
  }
  const subOf = (id: Identity) => (typeof id.claims.sub === 'string' ? id.claims.sub : `role:${id.role}`)

  const tus = new Server({
    path: RESUMABLE_PATH,
    datastore,
    maxSize: deps.maxUploadSize,
    generateUrl: (_req, { id }) => `${deps.publicUrl}${RESUMABLE_PATH}/${id}`,
    async onUploadCreate(req, upload) {
      const meta = upload.metadata ?? {}
      const bucket = BucketId.safeParse(meta.bucketName)
      const name = ObjectName.safeParse(meta.objectName)
      const type = MimeType.safeParse(meta.contentType ?? 'application/octet-stream')
      const cache = CacheSeconds.safeParse(meta.cacheControl ?? undefined)
      if (!bucket.success || !name.success || !type.success || !cache.success) {
        throw tusError(new ApiError('INVALID_INPUT', { message: 'Upload-Metadata needs bucketName, objectName, a valid contentType and cacheControl in seconds' }))
      }
      // Decided once, at creation: the later PATCH requests need not repeat the header.
      const upsert = meta.upsert === 'true' || req.headers.get('x-upsert') === 'true'
      try {
        // Rules and limits are asked now, before any byte, as for a plain upload.
        await deps.service.checkUpload(who(req), bucket.data, name.data, type.data, upload.size, upsert)
      } catch (err) {
        throw tusError(err, who(req).role)
      }
      // Only the creator may continue or finish this upload.
      return { metadata: { ...meta, upsert: String(upsert), floeOwner: subOf(who(req)) } }
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST' || req.method === 'OPTIONS') return
      const upload = await datastore.getUpload(uploadId).catch(() => undefined)
      if (upload && upload.metadata?.floeOwner !== subOf(who(req))) {
        throw tusError(new ApiError('STORAGE_OBJECT_NOT_FOUND', { details: 'No such upload' }))
      }
    },
    async onUploadFinish(req, upload) {
      const meta = upload.metadata ?? {}
      const file = path.join(directory, upload.id)
      try {
        const row = await deps.service.upload(who(req), {
          bucket: BucketId.parse(meta.bucketName),
          name: ObjectName.parse(meta.objectName),
          body: createReadStream(file),
          contentType: meta.contentType ?? 'application/octet-stream',
          upsert: meta.upsert === 'true',
          cacheControl: meta.cacheControl ? `max-age=${meta.cacheControl}` : undefined,
        })
        return { headers: { 'X-Floe-Object-Etag': row.etag } }
      } catch (err) {
        throw tusError(err, who(req).role)
      } finally {
        await datastore.remove(upload.id).catch(() => undefined)
      }
    },
  })

  return async (identity: Identity, req: Request): Promise<Response> => {
    identities.set(req, identity)
    return tus.handleWeb(req)
  }
}
