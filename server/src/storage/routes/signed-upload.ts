/**
 * Signed upload URLs. POST /object/upload/sign/{bucket}/{name} hands out a token; PUT with
 * `?token=` uploads without credentials, as the signer (their rules decide at upload time).
 */
import { requireIdentity } from '../../http/index.js'
import { z } from '@hono/zod-openapi'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName, parseInput, toJson } from '../schemas.js'
import { readUploadBody } from '../upload-body.js'

const SignBody = z.object({ expiresIn: z.number().int().min(1).max(7 * 86_400).default(7200) }).default({ expiresIn: 7200 })
const Token = z.string().min(10).max(8192)

export function registerSignedUpload(router: StorageRouter, { service, publicUrl }: StorageRouteDeps) {
  router.post('/object/upload/sign/:bucket/:name{.+}', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const name = parseInput(ObjectName, c.req.param('name'), 'path name')
    const upsert = c.req.header('x-upsert') === 'true'
    const { expiresIn } = parseInput(SignBody, await c.req.json().catch(() => undefined), 'body', true)
    const token = await service.signUpload(requireIdentity(c), bucket, name, upsert, expiresIn)
    const path = `/object/upload/sign/${bucket}/${name.split('/').map(encodeURIComponent).join('/')}?token=${token}`
    return c.json({ url: path, signedURL: `${publicUrl}/storage/v1${path}`, token }, 200)
  })
  router.put('/object/upload/sign/:bucket/:name{.+}', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const name = parseInput(ObjectName, c.req.param('name'), 'path name')
    const claims = service.verify(parseInput(Token, c.req.query('token'), 'query token'), 'w', bucket, name)
    const body = await readUploadBody(c)
    const signer = { role: claims.role ?? 'anon', claims: claims.claims ?? {} }
    const row = await service.upload(signer, { bucket, name, upsert: claims.upsert ?? false, ...body })
    return c.json({ Id: row.id, Key: `${bucket}/${name}`, ...toJson(row) }, 200)
  })
}
