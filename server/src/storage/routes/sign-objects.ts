/**
 * POST /object/sign/{bucket} with `{ expiresIn, paths }` (supabase-js `createSignedUrls`): one
 * answer per path, in order, `{ path, signedURL, error }`. A path the caller may not read (or
 * that does not exist) gets Supabase's error text and no URL; the request as a whole succeeds.
 */
import { z } from '@hono/zod-openapi'
import { requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, parseInput } from '../schemas.js'
import { signedPath } from './sign-object.js'

const SignManyBody = z.object({
  expiresIn: z.number().int().min(1).max(365 * 86_400),
  paths: z.array(z.string().min(1).max(1024)).min(1).max(1000),
})

const NOT_READABLE = 'Either the object does not exist or you do not have access to it'

export function registerSignObjects(router: StorageRouter, { service }: StorageRouteDeps) {
  router.post('/object/sign/:bucket', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const { expiresIn, paths } = parseInput(SignManyBody, await c.req.json().catch(() => undefined), 'body', true)
    const signed = await service.signDownloads(requireIdentity(c), bucket, paths, expiresIn)
    return c.json(
      signed.map(({ name, token }) =>
        token === null ? { error: NOT_READABLE, path: name, signedURL: null } : { error: null, path: name, signedURL: signedPath(bucket, name, token) },
      ),
      200,
    )
  })
}
