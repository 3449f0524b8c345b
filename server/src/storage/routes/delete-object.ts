import { requireIdentity } from '../../http/index.js'
import { ApiError } from '../../errors/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { BucketId, ObjectName, parseInput } from '../schemas.js'

/** DELETE /object/{bucket}/{name}: 404 when the caller's rules do not let them delete it. */
export function registerDeleteObject(router: StorageRouter, { service }: StorageRouteDeps) {
  router.delete('/object/:bucket/:name{.+}', async (c) => {
    const bucket = parseInput(BucketId, c.req.param('bucket'), 'path bucket')
    const name = parseInput(ObjectName, c.req.param('name'), 'path name')
    const rows = await service.remove(requireIdentity(c), bucket, [name])
    if (rows.length === 0) throw new ApiError('STORAGE_OBJECT_NOT_FOUND', { details: `${bucket}/${name}` })
    return c.json({ message: 'Successfully deleted' }, 200)
  })
}
