/**
 * /storage/v1. Registration order matters for the object routes: the fixed words (public,
 * sign, info, list, list-v2, upload) come before the `/object/:bucket/:name{.+}` catch-all.
 */
import type { Context } from 'hono'
import { createRouter, requireIdentity, type AppEnv, type ModuleRoutes, type PolicyRule } from '../http/index.js'
import { type StorageRouteDeps } from './context.js'
import { documentPlainRoutes } from './openapi-paths.js'
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
import { registerListObjectsV2 } from './routes/list-objects-v2.js'
import { registerMoveObject } from './routes/move-object.js'
import { registerRenderImage } from './routes/render-image.js'
import { registerSignObject } from './routes/sign-object.js'
import { registerSignObjects } from './routes/sign-objects.js'
import { registerSignedUpload } from './routes/signed-upload.js'
import { registerUpdateBucket } from './routes/update-bucket.js'
import { registerUploadObject } from './routes/upload-object.js'

const PUBLIC = { public: true } as const
/** Uploads stream their body, enforcing the storage limits while streaming (upload-guard.ts),
 *  and may outlive the request timeout, which is sized for API calls, not for large files. */
const UPLOAD = { ownsBody: true, untimed: true } as const

const STORAGE_POLICIES: PolicyRule[] = [
  // Errors as Supabase Storage words them (statusCode, error) for storage-js, on every route.
  { methods: 'ALL', path: '/*', policy: { errors: 'storage' } },
  // Without an API key: public objects, and signed URLs (the token is the credential).
  { methods: ['GET', 'HEAD'], path: '/render/image/public/:path{.+}', policy: PUBLIC },
  { methods: ['GET', 'HEAD'], path: '/render/image/sign/:path{.+}', policy: PUBLIC },
  { methods: ['GET', 'HEAD'], path: '/object/public/:path{.+}', policy: PUBLIC },
  { methods: ['GET', 'HEAD'], path: '/object/sign/:path{.+}', policy: PUBLIC },
  { methods: ['PUT'], path: '/object/upload/sign/:path{.+}', policy: PUBLIC },
  { methods: ['POST', 'PUT'], path: '/object/:path{.+}', policy: UPLOAD },
  { methods: ['POST', 'PATCH'], path: '/upload/resumable/*', policy: UPLOAD },
]

export function storageRouter(deps: StorageRouteDeps & { dataDir?: string }): ModuleRoutes {
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
    registerListObjects, registerListObjectsV2, registerMoveObject, registerCopyObject, registerSignObjects, registerSignObject, registerSignedUpload,
    registerRenderImage, registerDownloadObject, registerDeleteObjects, registerDeleteObject, registerUploadObject,
  ]) {
    register(router, deps)
  }
  documentPlainRoutes(router, { resumable: deps.dataDir !== undefined })
  return { router, policies: STORAGE_POLICIES }
}
