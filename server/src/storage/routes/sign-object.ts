import { requireIdentity } from '../../http/index.js'
import { z } from '@hono/zod-openapi'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { RenderQuery } from '../render.js'
import { BucketId, ObjectName, parseInput } from '../schemas.js'

/** `transform` (supabase-js `createSignedUrl(path, s, { transform })`) is checked now, so a bad one is refused at signing. */
const SignBody = z.object({
  expiresIn: z.number().int().min(1).max(365 * 86_400),
  transform: z.record(z.string(), z.union([z.string(), z.number()])).refine((t) => Object.keys(t).length <= 8).optional(),
})

/**
 * The path (under /storage/v1) of a signed download as Supabase answers it in `signedURL`: the
 * name NOT percent-encoded, because supabase-js passes the whole URL through encodeURI (an encoded
 * name would be encoded twice). `url` is the same, complete and encoded, for other clients. A
 * signed transform is served by /render/image/sign.
 */
export const signedPath = (bucket: string, name: string, token: string, encode = false, render = false) =>
  `${render ? '/render/image/sign' : '/object/sign'}/${bucket}/${encode ? name.split('/').map(encodeURIComponent).join('/') : name}?token=${token}`

/** POST /object/sign/{bucket}/{name} → a download URL that works without credentials until it expires. */
export function registerSignObject(router: StorageRouter, { service, publicUrl }: StorageRouteDeps) {
  router.post('/object/sign/:bucket/:name{.+}', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const name = parseInput(ObjectName, c.req.param('name'), 'path name')
    const { expiresIn, transform } = parseInput(SignBody, await c.req.json().catch(() => undefined), 'body', true)
    const render = transform !== undefined && Object.keys(transform).length > 0
    if (render) parseInput(RenderQuery, transform, 'body transform', true)
    const token = await service.signDownload(requireIdentity(c), bucket, name, expiresIn, render ? transform : undefined)
    return c.json({ signedURL: signedPath(bucket, name, token, false, render), url: `${publicUrl}/storage/v1${signedPath(bucket, name, token, true, render)}` }, 200)
  })
}
