import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName } from '../schemas.js'

export const MoveBody = z
  .object({ bucketId: BucketId, sourceKey: ObjectName, destinationKey: ObjectName, destinationBucket: BucketId.optional() })
  .openapi('MoveObjectBody')

const Moved = z.object({ message: z.string(), Id: z.string(), Key: z.string() }).openapi('MovedObject')

export const moveObjectRoute = createRoute({
  method: 'post',
  path: '/object/move',
  operationId: 'storage.moveObject',
  summary: 'Move or rename an object',
  tags: ['Storage'],
  request: { body: { required: true, content: { 'application/json': { schema: MoveBody } } } },
  responses: {
    // Supabase's answer: `Key` is the new name, without the bucket.
    200: { description: 'Moved (within a bucket a metadata update: the bytes stay where they are)', content: { 'application/json': { schema: Moved } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415),
  },
})

export function registerMoveObject(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(moveObjectRoute, async (c) => {
    const b = c.req.valid('json')
    const row = await service.move(requireIdentity(c), b.bucketId, b.sourceKey, b.destinationKey, b.destinationBucket ?? b.bucketId)
    return c.json({ message: 'Successfully moved', Id: row.id, Key: row.name }, 200)
  })
}
