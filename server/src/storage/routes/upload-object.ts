/**
 * POST /object/{bucket}/{name} uploads (409 if it exists unless `x-upsert: true`); PUT replaces.
 * Plain Hono routes, not zod-openapi ones: the body is a stream the route must not parse, and
 * the name is a wildcard path. Inputs are still validated by zod (parseInput).
 */
import { requireIdentity } from '../../http/index.js'
import { z } from '@hono/zod-openapi'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName, parseInput, toJson } from '../schemas.js'
import { readUploadBody } from '../upload-body.js'

const Upsert = z.enum(['true', 'false']).optional()

export function registerUploadObject(router: StorageRouter, { service }: StorageRouteDeps) {
  router.on(['POST', 'PUT'], '/object/:bucket/:name{.+}', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const name = parseInput(ObjectName, c.req.param('name'), 'path name')
    const upsert = c.req.method === 'PUT' || parseInput(Upsert, c.req.header('x-upsert'), 'header x-upsert') === 'true'
    const body = await readUploadBody(c)
    const row = await service.upload(requireIdentity(c), { bucket, name, upsert, ...body })
    // `Id` and `Key` are what supabase-js reads (as `id` and `fullPath`).
    return c.json({ Id: row.id, Key: `${bucket}/${name}`, ...toJson(row) }, 200)
  })
}
