import { createRoute, z } from '@hono/zod-openapi'
import { ApiError, invalidInput } from '../../errors/index.js'
import { errorResponses, registerDirect, requireIdentity, type DirectRoute } from '../../http/index.js'
import type { Jobs } from '../runtime.js'
import { QueueParams, type JobsRouter } from './common.js'

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

const enqueueJobSpec = createRoute({
  method: 'post',
  path: '/{queue}',
  operationId: 'jobs.enqueueJob',
  summary: 'Enqueue a job on a declared queue',
  tags: ['Jobs'],
  request: { params: QueueParams, body: { required: true, content: { 'application/json': { schema: EnqueueBody } } } },
  responses: {
    202: { description: 'Enqueued', content: { 'application/json': { schema: EnqueuedJob } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 503),
  },
})

const JSON_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i

/**
 * `POST /jobs/v1/<queue>` as a direct route (http/routes.ts): served from the IncomingMessage by
 * the Node server, through Hono elsewhere. Declared in the OpenAPI document like every route,
 * but validated here rather than by the validator middleware: reading the body through it makes
 * the Node adapter build a fetch Request and a web stream per request, a fifth of this route's
 * CPU. The checks and their answers are the validator's, in the registry's codes: 400
 * INVALID_INPUT for the path, 415 UNSUPPORTED_MEDIA_TYPE, 400 INVALID_JSON, 400 INVALID_INPUT.
 */
function enqueueJobRoute(jobs: Jobs): DirectRoute {
  return {
    methods: ['POST'],
    path: '/:queue',
    async serve(req, caller) {
      const identity = requireIdentity({ var: { identity: caller } })
      // `admin` is the admin routes' segment: the service key is asked for first, as there.
      if (req.params.queue === 'admin') jobs.service.requireService(identity)
      const params = QueueParams.safeParse({ queue: req.params.queue })
      if (!params.success) throw invalidInput('param', params.error)
      if (!JSON_TYPE.test(req.headers.get('content-type') ?? '')) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', { hint: 'Send Content-Type: application/json' })
      let json: unknown
      try {
        json = JSON.parse(await req.readBody(jobs.service.maxBodyBytes))
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err
        throw new ApiError('INVALID_JSON', { details: err.message })
      }
      const body = EnqueueBody.safeParse(json)
      if (!body.success) throw invalidInput('json', body.error)
      const { payload, ...options } = body.data
      const job = await jobs.service.enqueue(identity, params.data.queue, payload, options)
      return { status: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) }
    },
  }
}

/** Registers the route on the jobs router and answers it for the router's mount (its `direct`). */
export function registerEnqueueJob(router: JobsRouter, jobs: Jobs): DirectRoute {
  router.openAPIRegistry.registerPath(enqueueJobSpec)
  const route = enqueueJobRoute(jobs)
  registerDirect(router, route)
  return route
}
