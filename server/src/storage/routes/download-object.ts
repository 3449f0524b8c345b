/**
 * Downloads: GET/HEAD /object/{bucket}/{name} (caller's rules), /object/public/... (public
 * buckets, no credentials), /object/sign/... (a signed token, no credentials); and
 * GET /object/info/{bucket}/{name} for the metadata as JSON.
 */
import { requireIdentity } from '../../http/index.js'
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../../http/index.js'
import { type StorageRouteDeps, type StorageRouter } from '../context.js'
import { downloadResponse } from '../respond.js'
import { BucketId, ObjectName, parseInput, toInfo } from '../schemas.js'
import type { StorageService } from '../service.js'

const Token = z.string().min(10).max(8192)
const Download = z.string().max(255).optional()

function target(c: Context<AppEnv>) {
  return {
    bucket: parseInput(BucketId, c.req.param('bucket'), 'path bucket'),
    name: parseInput(ObjectName, c.req.param('name'), 'path name'),
  }
}

/** The Cache-Control the object was uploaded with wins over the route's default (as in Supabase). */
async function send(c: Context<AppEnv>, opened: Awaited<ReturnType<StorageService['open']>>, defaultCacheControl: string) {
  return downloadResponse(opened.row, opened.read, {
    method: c.req.method,
    range: c.req.header('range'),
    ifNoneMatch: c.req.header('if-none-match'),
    download: parseInput(Download, c.req.query('download'), 'query download'),
    cacheControl: opened.row.cache_control ?? defaultCacheControl,
  })
}

export function registerDownloadObject(router: StorageRouter, { service }: StorageRouteDeps) {
  router.on(['GET', 'HEAD'], '/object/public/:bucket/:name{.+}', async (c) => {
    const { bucket, name } = target(c)
    return send(c, await service.openPublic(bucket, name), 'public, max-age=3600')
  })
  router.on(['GET', 'HEAD'], '/object/sign/:bucket/:name{.+}', async (c) => {
    const { bucket, name } = target(c)
    service.verify(parseInput(Token, c.req.query('token'), 'query token'), 'r', bucket, name)
    return send(c, await service.open('authorised', bucket, name), 'private, max-age=60')
  })
  router.get('/object/info/:bucket/:name{.+}', async (c) => {
    const { bucket, name } = target(c)
    return c.json(toInfo(await service.info(requireIdentity(c), bucket, name)), 200)
  })
  router.on(['GET', 'HEAD'], '/object/:bucket/:name{.+}', async (c) => {
    const { bucket, name } = target(c)
    return send(c, await service.open(requireIdentity(c), bucket, name), 'private, no-cache')
  })
}
