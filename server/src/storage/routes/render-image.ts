/**
 * GET /render/image/authenticated/{bucket}/{name} (caller's rules) and
 * /render/image/public/{bucket}/{name} (public buckets) with ?width&height&resize&quality&format;
 * /render/image/sign/{bucket}/{name}?token= renders the transform the token was signed with.
 */
import { z } from '@hono/zod-openapi'
import { requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { RenderQuery } from '../render.js'
import { BucketId, ObjectName, parseInput } from '../schemas.js'

const Token = z.string().min(10).max(8192)

export function registerRenderImage(router: StorageRouter, { service }: StorageRouteDeps) {
  router.get('/render/image/:access{authenticated|public|sign}/:bucket/:name{.+}', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const name = parseInput(ObjectName, c.req.param('name'), 'path name')
    const access = c.req.param('access')
    if (access === 'sign') {
      const signed = service.verify(parseInput(Token, c.req.query('token'), 'query token'), 'r', bucket, name)
      const opened = await service.open('authorised', bucket, name)
      return service.render(opened.row, parseInput(RenderQuery, signed.t ?? {}, 'token transform', true))
    }
    const options = parseInput(RenderQuery, c.req.query(), 'query', true)
    const opened = access === 'public' ? await service.openPublic(bucket, name) : await service.open(requireIdentity(c), bucket, name)
    return service.render(opened.row, options)
  })
}
