import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName, StorageObject, toJson } from '../schemas.js'

const CopyBody = z
  .object({
    bucketId: BucketId,
    sourceKey: ObjectName,
    destinationKey: ObjectName,
    destinationBucket: BucketId.optional(),
    upsert: z.boolean().optional(),
  })
  .openapi('CopyObjectBody')

export const copyObjectRoute = createRoute({
  method: 'post',
  path: '/object/copy',
  operationId: 'storage.copyObject',
  summary: 'Copy an object',
  tags: ['Storage'],
  request: {
    body: { required: true, content: { 'application/json': { schema: CopyBody } } },
    headers: z.object({ 'x-upsert': z.enum(['true', 'false']).optional() }),
  },
  responses: {
    // `Key` (bucket/name) is what supabase-js's copy() returns as `path`; `Id` as Supabase sends it.
    200: { description: 'The copy', content: { 'application/json': { schema: StorageObject.extend({ Id: z.string(), Key: z.string() }) } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415),
  },
})

export function registerCopyObject(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(copyObjectRoute, async (c) => {
    const b = c.req.valid('json')
    const upsert = b.upsert ?? c.req.valid('header')['x-upsert'] === 'true'
    const to = b.destinationBucket ?? b.bucketId
    const row = await service.copy(requireIdentity(c), b.bucketId, b.sourceKey, b.destinationKey, upsert, to)
    return c.json({ Id: row.id, Key: `${to}/${b.destinationKey}`, ...toJson(row) }, 200)
  })
}
