import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName, StorageObject, toJson } from '../schemas.js'

export const MoveBody = z.object({ bucketId: BucketId, sourceKey: ObjectName, destinationKey: ObjectName }).openapi('MoveObjectBody')

export const moveObjectRoute = createRoute({
  method: 'post',
  path: '/object/move',
  operationId: 'storage.moveObject',
  tags: ['Storage'],
  request: { body: { required: true, content: { 'application/json': { schema: MoveBody } } } },
  responses: {
    200: { description: 'Moved (a metadata update: the bytes stay where they are)', content: { 'application/json': { schema: StorageObject } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
})

export function registerMoveObject(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(moveObjectRoute, async (c) => {
    const b = c.req.valid('json')
    return c.json(toJson(await service.move(requireIdentity(c), b.bucketId, b.sourceKey, b.destinationKey)), 200)
  })
}
