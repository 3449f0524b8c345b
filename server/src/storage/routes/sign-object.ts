import { requireIdentity } from '../../http/index.js'
import { z } from '@hono/zod-openapi'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName, parseInput } from '../schemas.js'

const SignBody = z.object({ expiresIn: z.number().int().min(1).max(365 * 86_400) })

/**
 * The path (under /storage/v1) of a signed download as Supabase answers it in `signedURL`: the
 * name NOT percent-encoded, because supabase-js passes the whole URL through encodeURI (an encoded
 * name would be encoded twice). `url` is the same, complete and encoded, for other clients.
 */
export const signedPath = (bucket: string, name: string, token: string, encode = false) =>
  `/object/sign/${bucket}/${encode ? name.split('/').map(encodeURIComponent).join('/') : name}?token=${token}`

/** POST /object/sign/{bucket}/{name} → a download URL that works without credentials until it expires. */
export function registerSignObject(router: StorageRouter, { service, publicUrl }: StorageRouteDeps) {
  router.post('/object/sign/:bucket/:name{.+}', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const name = parseInput(ObjectName, c.req.param('name'), 'path name')
    const { expiresIn } = parseInput(SignBody, await c.req.json().catch(() => undefined), 'body', true)
    const token = await service.signDownload(requireIdentity(c), bucket, name, expiresIn)
    return c.json({ signedURL: signedPath(bucket, name, token), url: `${publicUrl}/storage/v1${signedPath(bucket, name, token, true)}` }, 200)
  })
}
