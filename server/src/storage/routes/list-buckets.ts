import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { Bucket, toJson } from '../schemas.js'

export const listBucketsRoute = createRoute({
  method: 'get',
  path: '/bucket',
  operationId: 'storage.listBuckets',
  tags: ['Storage'],
  responses: {
    200: { description: 'The buckets the caller may see', content: { 'application/json': { schema: z.array(Bucket) } } },
    ...errorResponses(401, 403),
  },
})

export function registerListBuckets(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(listBucketsRoute, async (c) => c.json((await service.listBuckets(requireIdentity(c))).map(toJson), 200))
}
