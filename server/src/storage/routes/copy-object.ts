import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName, StorageObject, toJson } from '../schemas.js'

const CopyBody = z.object({ bucketId: BucketId, sourceKey: ObjectName, destinationKey: ObjectName, upsert: z.boolean().default(false) }).openapi('CopyObjectBody')

export const copyObjectRoute = createRoute({
  method: 'post',
  path: '/object/copy',
  operationId: 'storage.copyObject',
  tags: ['Storage'],
  request: { body: { required: true, content: { 'application/json': { schema: CopyBody } } } },
  responses: {
    200: { description: 'The copy', content: { 'application/json': { schema: StorageObject } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
})

export function registerCopyObject(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(copyObjectRoute, async (c) => {
    const b = c.req.valid('json')
    return c.json(toJson(await service.copy(requireIdentity(c), b.bucketId, b.sourceKey, b.destinationKey, b.upsert)), 200)
  })
}
