import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BUCKET_SORT_COLUMNS } from '../queries.js'
import { Bucket, toJson } from '../schemas.js'

/** supabase-js `listBuckets({ limit, offset, search, sortColumn, sortOrder })`; `search` is a part of the name. */
const ListBucketsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  search: z.string().max(256).optional(),
  sortColumn: z.enum(BUCKET_SORT_COLUMNS).optional(),
  sortOrder: z.enum(['asc', 'desc']).optional(),
})

export const listBucketsRoute = createRoute({
  method: 'get',
  path: '/bucket',
  operationId: 'storage.listBuckets',
  summary: 'List the buckets the caller may see',
  tags: ['Storage'],
  request: { query: ListBucketsQuery },
  responses: {
    200: { description: 'The buckets the caller may see', content: { 'application/json': { schema: z.array(Bucket) } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListBuckets(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(listBucketsRoute, async (c) => c.json((await service.listBuckets(requireIdentity(c), c.req.valid('query'))).map(toJson), 200))
}
