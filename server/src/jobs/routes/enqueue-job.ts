import { createRoute, z } from '@hono/zod-openapi'
import type { Identity } from '../../http/index.js'
import { ApiError } from '../../errors/index.js'
import { errorResponses, readBodyText, requireIdentity } from '../../http/index.js'
import type { Jobs } from '../runtime.js'
import { invalidInput, QueueParams, type Register } from './common.js'

const EnqueueBody = z
  .object({
    payload: z.unknown().openapi({ example: { image: 'avatars/a.png' } }),
    delay_ms: z.number().int().min(0).max(365 * 86_400_000).optional(),
    priority: z.number().int().min(1).max(2_097_152).optional().openapi({ description: '1 is the highest' }),
    idempotency_key: z.string().min(1).max(200).optional().openapi({ description: 'The same key never creates two jobs' }),
  })
  .strict()
  .openapi('EnqueueBody')

const EnqueuedJob = z.object({ id: z.string(), queue: z.string() }).openapi('EnqueuedJob')
export type EnqueuedJob = z.output<typeof EnqueuedJob>

export const enqueueJobRoute = createRoute({
  method: 'post',
  path: '/{queue}',
  operationId: 'jobs.enqueueJob',
  tags: ['Jobs'],
  request: { params: QueueParams, body: { required: true, content: { 'application/json': { schema: EnqueueBody } } } },
  responses: {
    202: { description: 'Enqueued', content: { 'application/json': { schema: EnqueuedJob } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 503),
  },
})

/** `POST /jobs/v1/<queue>`: the app lets this route read its own body (app.ts, readsOwnBody). */
export const isEnqueuePath = (method: string, path: string) => method === 'POST' && /^\/jobs\/v1\/[^/]+\/?$/.test(path)

const JSON_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i

/** One enqueue request as both front ends see it (the Hono route and jobs/node-handler.ts). */
export interface EnqueueRequest {
  /** The `:queue` path segment, percent-decoded. */
  queue: string
  contentType: string | undefined
  /** The body as text, BODY_LIMIT enforced while reading (413). */
  readBody: () => Promise<string>
  identity: () => Identity
}

/**
 * The route's work, shared by its two front ends so they check the same things in the same
 * order. The checks and their answers are the validator's, in the registry's codes: 400
 * INVALID_INPUT for the path, 415 UNSUPPORTED_MEDIA_TYPE, 400 INVALID_JSON, 400 INVALID_INPUT.
 */
export async function enqueueFromRequest(jobs: Jobs, r: EnqueueRequest): Promise<EnqueuedJob> {
  const params = QueueParams.safeParse({ queue: r.queue })
  if (!params.success) throw invalidInput('param', params.error)
  if (!JSON_TYPE.test(r.contentType ?? '')) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', { hint: 'Send Content-Type: application/json' })
  let json: unknown
  try {
    json = JSON.parse(await r.readBody())
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err
    throw new ApiError('INVALID_JSON', { details: err.message })
  }
  const body = EnqueueBody.safeParse(json)
  if (!body.success) throw invalidInput('json', body.error)
  const { payload, ...options } = body.data
  return jobs.service.enqueue(r.identity(), params.data.queue, payload, options)
}

/**
 * Declared in the OpenAPI document like every route, but served without the validator
 * middleware: reading the body through it makes the Node adapter build a fetch Request and a web
 * stream per request, a fifth of this route's CPU. Under `floe start` the Node fast path
 * (jobs/node-handler.ts) serves this route in front of Hono; this is the route for app.request
 * and for what the fast path passes on.
 */
export const registerEnqueueJob: Register = (router, jobs) => {
  router.openAPIRegistry.registerPath(enqueueJobRoute)
  router.post('/:queue', async (c) => {
    const job = await enqueueFromRequest(jobs, {
      queue: c.req.param('queue'),
      contentType: c.req.header('content-type'),
      readBody: () => readBodyText(c, jobs.service.maxBodyBytes),
      identity: () => requireIdentity(c),
    })
    return c.json(job, 202)
  })
}
