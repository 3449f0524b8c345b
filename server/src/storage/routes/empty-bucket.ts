import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId } from '../schemas.js'

export const emptyBucketRoute = createRoute({
  method: 'post',
  path: '/bucket/{id}/empty',
  operationId: 'storage.emptyBucket',
  summary: 'Delete every object of a bucket',
  tags: ['Storage'],
  request: { params: z.object({ id: BucketId }) },
  responses: {
    200: { description: 'Every object deleted', content: { 'application/json': { schema: z.object({ message: z.string(), deleted: z.number() }) } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerEmptyBucket(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(emptyBucketRoute, async (c) => c.json(await service.emptyBucket(requireIdentity(c), c.req.valid('param').id), 200))
}
