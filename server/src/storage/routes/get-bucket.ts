import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { Bucket, BucketId, toJson } from '../schemas.js'

export const getBucketRoute = createRoute({
  method: 'get',
  path: '/bucket/{id}',
  operationId: 'storage.getBucket',
  summary: 'Get a bucket',
  tags: ['Storage'],
  request: { params: z.object({ id: BucketId }) },
  responses: {
    200: { description: 'The bucket', content: { 'application/json': { schema: Bucket } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerGetBucket(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(getBucketRoute, async (c) => c.json(toJson(await service.getBucketFor(requireIdentity(c), c.req.valid('param').id)), 200))
}
