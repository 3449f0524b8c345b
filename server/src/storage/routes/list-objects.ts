import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { FileEntry, toFileEntry } from '../list-entries.js'
import { ENTRY_SORT_COLUMNS } from '../list-queries.js'
import { BucketId } from '../schemas.js'

/** Supabase caps a page at 1,500 rows without refusing more; Floe caps it at 1,000 the same way. */
export const PageLimit = z.number().int().min(1).transform((n) => Math.min(n, 1000))

const ListBody = z
  .object({
    prefix: z.string().max(1024).default(''),
    search: z.string().max(256).optional(),
    limit: PageLimit.default(100),
    offset: z.number().int().min(0).max(1_000_000).default(0),
    sortBy: z
      .object({ column: z.enum(ENTRY_SORT_COLUMNS).default('name'), order: z.enum(['asc', 'desc']).default('asc') })
      .default({ column: 'name', order: 'asc' }),
  })
  .openapi('ListObjectsBody')

export const listObjectsRoute = createRoute({
  method: 'post',
  path: '/object/list/{bucket}',
  operationId: 'storage.listObjects',
  summary: "List one level of a bucket's objects and folders under a prefix",
  tags: ['Storage'],
  description: "One level under the prefix (read as a folder), as supabase-js's `list()` expects: names relative to it, deeper names folded into folder entries (`id` null)",
  request: { params: z.object({ bucket: BucketId }), body: { required: false, content: { 'application/json': { schema: ListBody } } } },
  responses: {
    200: { description: 'Folders and objects under the prefix the caller may read', content: { 'application/json': { schema: z.array(FileEntry) } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

export function registerListObjects(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(listObjectsRoute, async (c) => {
    // The body is optional: without a JSON content type the validator is skipped and hands over
    // nothing, so the defaults are applied here (parsing what it did validate again is a no-op).
    const b = ListBody.parse(c.req.valid('json') ?? {})
    // As Supabase: the prefix names a folder, `a` and `a/` alike.
    const prefix = b.prefix === '' || b.prefix.endsWith('/') ? b.prefix : `${b.prefix}/`
    const rows = await service.listEntries(requireIdentity(c), c.req.valid('param').bucket, {
      prefix, search: b.search, folders: true, limit: b.limit, offset: b.offset, sortBy: b.sortBy.column, order: b.sortBy.order,
    })
    return c.json(rows.map((r) => toFileEntry(r, r.rest)), 200)
  })
}
