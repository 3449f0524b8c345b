import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { SORT_COLUMNS } from '../queries.js'
import { BucketId, StorageObject, toJson } from '../schemas.js'

const ListBody = z
  .object({
    prefix: z.string().max(1024).default(''),
    search: z.string().max(256).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().min(0).default(0),
    sortBy: z.object({ column: z.enum(SORT_COLUMNS).default('name'), order: z.enum(['asc', 'desc']).default('asc') }).default({ column: 'name', order: 'asc' }),
  })
  .openapi('ListObjectsBody')

export const listObjectsRoute = createRoute({
  method: 'post',
  path: '/object/list/{bucket}',
  operationId: 'storage.listObjects',
  tags: ['Storage'],
  request: { params: z.object({ bucket: BucketId }), body: { required: false, content: { 'application/json': { schema: ListBody } } } },
  responses: {
    200: { description: 'Objects under the prefix the caller may read', content: { 'application/json': { schema: z.array(StorageObject) } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerListObjects(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(listObjectsRoute, async (c) => {
    // The body is optional: without a JSON content type the validator is skipped and hands over
    // nothing, so the defaults are applied here (parsing what it did validate again is a no-op).
    const b = ListBody.parse(c.req.valid('json') ?? {})
    const rows = await service.list(requireIdentity(c), c.req.valid('param').bucket, {
      prefix: b.prefix, search: b.search, limit: b.limit, offset: b.offset, sortBy: b.sortBy.column, order: b.sortBy.order,
    })
    return c.json(rows.map(toJson), 200)
  })
}
