import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName, StorageObject, toJson } from '../schemas.js'

const DeleteBody = z.object({ prefixes: z.array(ObjectName).min(1).max(1000) }).openapi('DeleteObjectsBody')

export const deleteObjectsRoute = createRoute({
  method: 'delete',
  path: '/object/{bucket}',
  operationId: 'storage.deleteObjects',
  summary: 'Delete several objects by name',
  tags: ['Storage'],
  request: { params: z.object({ bucket: BucketId }), body: { required: true, content: { 'application/json': { schema: DeleteBody } } } },
  responses: {
    200: { description: 'The objects deleted (those the caller\'s rules allowed)', content: { 'application/json': { schema: z.array(StorageObject) } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerDeleteObjects(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(deleteObjectsRoute, async (c) => {
    const rows = await service.remove(requireIdentity(c), c.req.valid('param').bucket, c.req.valid('json').prefixes)
    return c.json(rows.map(toJson), 200)
  })
}
