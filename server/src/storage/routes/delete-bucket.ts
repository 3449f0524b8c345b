import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, Message } from '../schemas.js'

export const deleteBucketRoute = createRoute({
  method: 'delete',
  path: '/bucket/{id}',
  operationId: 'storage.deleteBucket',
  summary: 'Delete an empty bucket',
  tags: ['Storage'],
  request: { params: z.object({ id: BucketId }) },
  responses: {
    200: { description: 'Bucket deleted', content: { 'application/json': { schema: Message } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
})

export function registerDeleteBucket(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(deleteBucketRoute, async (c) => c.json(await service.deleteBucket(requireIdentity(c), c.req.valid('param').id), 200))
}
