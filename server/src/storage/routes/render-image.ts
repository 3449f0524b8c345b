/**
 * GET /render/image/authenticated/{bucket}/{name} (caller's rules) and
 * /render/image/public/{bucket}/{name} (public buckets) with ?width&height&resize&quality&format.
 */
import { requireIdentity } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { RenderQuery } from '../render.js'
import { BucketId, ObjectName, parseInput } from '../schemas.js'

export function registerRenderImage(router: StorageRouter, { service }: StorageRouteDeps) {
  router.get('/render/image/:access{authenticated|public}/:bucket/:name{.+}', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const name = parseInput(ObjectName, c.req.param('name'), 'path name')
    const options = parseInput(RenderQuery, c.req.query(), 'query')
    const opened = c.req.param('access') === 'public' ? await service.openPublic(bucket, name) : await service.open(requireIdentity(c), bucket, name)
    return service.render(opened.row, options)
  })
}
