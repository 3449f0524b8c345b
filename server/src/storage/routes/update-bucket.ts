import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { Bucket, BucketId, BucketSettings, toJson } from '../schemas.js'

export const updateBucketRoute = createRoute({
  method: 'put',
  path: '/bucket/{id}',
  operationId: 'storage.updateBucket',
  summary: "Change a bucket's public flag, size limit or allowed MIME types",
  tags: ['Storage'],
  request: {
    params: z.object({ id: BucketId }),
    body: { required: true, content: { 'application/json': { schema: BucketSettings.openapi('UpdateBucketBody') } } },
  },
  responses: {
    // `message` is what supabase-js returns from updateBucket; the bucket itself follows.
    200: { description: 'The updated bucket', content: { 'application/json': { schema: Bucket.extend({ message: z.string() }) } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerUpdateBucket(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(updateBucketRoute, async (c) =>
    c.json({ message: 'Successfully updated', ...toJson(await service.updateBucket(requireIdentity(c), c.req.valid('param').id, c.req.valid('json'))) }, 200),
  )
}
