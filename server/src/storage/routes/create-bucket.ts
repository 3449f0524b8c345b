import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { Bucket, BucketId, BucketSettings, toJson } from '../schemas.js'

// supabase-js sends the id twice (`id` and `name`); Floe's bucket id is its name.
const CreateBucketBody = BucketSettings.extend({ name: BucketId, id: BucketId.optional() })
  .refine((b) => b.id === undefined || b.id === b.name, { message: 'id and name must be the same', path: ['id'] })
  .openapi('CreateBucketBody')

export const createBucketRoute = createRoute({
  method: 'post',
  path: '/bucket',
  operationId: 'storage.createBucket',
  summary: 'Create a bucket',
  tags: ['Storage'],
  request: { body: { required: true, content: { 'application/json': { schema: CreateBucketBody } } } },
  responses: {
    201: { description: 'Bucket created', content: { 'application/json': { schema: Bucket } } },
    ...errorResponses(400, 401, 403, 409),
  },
})

export function registerCreateBucket(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(createBucketRoute, async (c) => c.json(toJson(await service.createBucket(requireIdentity(c), c.req.valid('json'))), 201))
}
