import { requireIdentity } from '../../http/index.js'
import { z } from '@hono/zod-openapi'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName, parseInput } from '../schemas.js'

const SignBody = z.object({ expiresIn: z.number().int().min(1).max(365 * 86_400) })

/** POST /object/sign/{bucket}/{name} → a download URL that works without credentials until it expires. */
export function registerSignObject(router: StorageRouter, { service, publicUrl }: StorageRouteDeps) {
  router.post('/object/sign/:bucket/:name{.+}', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const name = parseInput(ObjectName, c.req.param('name'), 'path name')
    const { expiresIn } = parseInput(SignBody, await c.req.json().catch(() => undefined), 'body')
    const token = await service.signDownload(requireIdentity(c), bucket, name, expiresIn)
    const path = `/object/sign/${bucket}/${name.split('/').map(encodeURIComponent).join('/')}?token=${token}`
    return c.json({ signedURL: path, url: `${publicUrl}/storage/v1${path}` }, 200)
  })
}
