/**
 * POST /object/list-v2/{bucket} (supabase-js `listV2`): every object under the prefix with its
 * full name, or with `with_delimiter` one level of it, deeper names folded into `folders`
 * (`photos/`). The cursor is opaque to clients; here it carries the offset of the next page.
 */
import { createRoute, z } from '@hono/zod-openapi'
import { ApiError } from '../../errors/index.js'
import { errorResponses, requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { FileMetadata, toFileEntry } from '../list-entries.js'
import { BucketId } from '../schemas.js'
import { PageLimit } from './list-objects.js'

const ListV2Body = z
  .object({
    prefix: z.string().max(1024).default(''),
    limit: PageLimit.default(1000),
    cursor: z.string().max(200).optional(),
    with_delimiter: z.boolean().default(false),
    sortBy: z
      .object({ column: z.enum(['name', 'created_at', 'updated_at']).default('name'), order: z.enum(['asc', 'desc']).default('asc') })
      .default({ column: 'name', order: 'asc' }),
  })
  .openapi('ListObjectsV2Body')

const ListV2Result = z
  .object({
    hasNext: z.boolean(),
    nextCursor: z.string().optional(),
    folders: z.array(z.object({ name: z.string(), key: z.string() })),
    objects: z.array(z.object({ name: z.string(), key: z.string(), id: z.string(), updated_at: z.string(), created_at: z.string(), last_accessed_at: z.string(), metadata: FileMetadata })),
  })
  .openapi('ListObjectsV2Result')

export const listObjectsV2Route = createRoute({
  method: 'post',
  path: '/object/list-v2/{bucket}',
  operationId: 'storage.listObjectsV2',
  summary: "List a bucket's objects under a prefix, with a cursor",
  tags: ['Storage'],
  request: { params: z.object({ bucket: BucketId }), body: { required: false, content: { 'application/json': { schema: ListV2Body } } } },
  responses: {
    200: { description: 'A page of objects (and folders) under the prefix the caller may read', content: { 'application/json': { schema: ListV2Result } } },
    ...errorResponses(400, 401, 403, 404),
  },
})

const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url')
function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }
    if (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) return o
  } catch {
    // fall through to the refusal
  }
  throw new ApiError('INVALID_INPUT', { message: 'Invalid body cursor: expected the nextCursor of a previous page' })
}

export function registerListObjectsV2(router: StorageRouter, { service }: StorageRouteDeps) {
  router.openapi(listObjectsV2Route, async (c) => {
    const b = ListV2Body.parse(c.req.valid('json') ?? {})
    const offset = decodeCursor(b.cursor)
    // One row more than the page tells whether there is a next one.
    const rows = await service.listEntries(requireIdentity(c), c.req.valid('param').bucket, {
      prefix: b.prefix, folders: b.with_delimiter, limit: b.limit + 1, offset, sortBy: b.sortBy.column, order: b.sortBy.order,
    })
    const page = rows.slice(0, b.limit)
    const hasNext = rows.length > b.limit
    const folders = page.filter((r) => r.id === null).map((r) => ({ name: `${b.prefix}${r.rest}/`, key: `${b.prefix}${r.rest}/` }))
    const objects = page.filter((r) => r.id !== null).map((r) => ({ ...toFileEntry(r, b.prefix + r.rest), key: b.prefix + r.rest }))
    return c.json({ hasNext, ...(hasNext ? { nextCursor: encodeCursor(offset + b.limit) } : {}), folders, objects } as z.infer<typeof ListV2Result>, 200)
  })
}
