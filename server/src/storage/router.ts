/**
 * /storage/v1. Registration order matters for the object routes: the fixed words (public,
 * sign, info, list, upload) come before the `/object/:bucket/:name{.+}` catch-all.
 */
import type { Context } from 'hono'
import { createRouter, type AppEnv, requireIdentity } from '../http/index.js'
import { type StorageRouteDeps } from './context.js'
import { createResumableUploads } from './resumable.js'
import { registerCopyObject } from './routes/copy-object.js'
import { registerCreateBucket } from './routes/create-bucket.js'
import { registerDeleteBucket } from './routes/delete-bucket.js'
import { registerDeleteObject } from './routes/delete-object.js'
import { registerDeleteObjects } from './routes/delete-objects.js'
import { registerDownloadObject } from './routes/download-object.js'
import { registerEmptyBucket } from './routes/empty-bucket.js'
import { registerGetBucket } from './routes/get-bucket.js'
import { registerListBuckets } from './routes/list-buckets.js'
import { registerListObjects } from './routes/list-objects.js'
import { registerMoveObject } from './routes/move-object.js'
import { registerRenderImage } from './routes/render-image.js'
import { registerSignObject } from './routes/sign-object.js'
import { registerSignedUpload } from './routes/signed-upload.js'
import { registerUpdateBucket } from './routes/update-bucket.js'
import { registerUploadObject } from './routes/upload-object.js'

export function storageRouter(deps: StorageRouteDeps & { dataDir?: string }) {
  const router = createRouter()
  if (deps.dataDir) {
    const resumable = createResumableUploads({
      service: deps.service, dataDir: deps.dataDir, maxUploadSize: deps.service.maxUploadSize, publicUrl: deps.publicUrl,
    })
    const tus = (c: Context<AppEnv>) => resumable(requireIdentity(c), c.req.raw)
    // GET: Hono routes a HEAD request as GET (the Request tus sees still says HEAD).
    router.on(['POST', 'GET', 'PATCH', 'DELETE'], '/upload/resumable', tus)
    router.on(['POST', 'GET', 'PATCH', 'DELETE'], '/upload/resumable/:id', tus)
  }
  for (const register of [
    registerCreateBucket, registerListBuckets, registerGetBucket, registerUpdateBucket, registerEmptyBucket, registerDeleteBucket,
    registerListObjects, registerMoveObject, registerCopyObject, registerSignObject, registerSignedUpload,
    registerRenderImage, registerDownloadObject, registerDeleteObjects, registerDeleteObject, registerUploadObject,
  ]) {
    register(router, deps)
  }
  return router
}

/** Paths that work without an API key: public objects and signed URLs (the token is the credential). */
export function isPublicStoragePath(method: string, path: string): boolean {
  if (path.startsWith('/storage/v1/render/image/public/')) return method === 'GET' || method === 'HEAD'
  if (!path.startsWith('/storage/v1/object/')) return false
  const rest = path.slice('/storage/v1/object/'.length)
  if (method === 'GET' || method === 'HEAD') return rest.startsWith('public/') || rest.startsWith('sign/')
  return method === 'PUT' && rest.startsWith('upload/sign/')
}

/** Upload routes stream their body and enforce the storage limits themselves (see upload-guard.ts). */
export function isStorageUploadPath(method: string, path: string): boolean {
  if (method === 'PATCH') return path.startsWith('/storage/v1/upload/resumable')
  if (method === 'POST') return path.startsWith('/storage/v1/object/') || path.startsWith('/storage/v1/upload/resumable')
  return method === 'PUT' && path.startsWith('/storage/v1/object/')
}
