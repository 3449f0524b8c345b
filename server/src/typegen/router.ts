/**
 * `GET /admin/v1/types/typescript?schema=public,other`: the same text as
 * `floe gen types typescript`, from a running server, for the service key only (the schema's
 * shape is not a secret from an admin, but the listing of every function and queue is more than
 * a browser key should read).
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { WithOwner } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import { createRouter, errorResponses, type Router } from '../http/index.js'
import { generateTypescript } from './generate.js'
import type { JsonSchema } from './json-schema.js'

export interface TypegenRouterDeps {
  withOwner: WithOwner
  /** Described when the request names no schema: the exposed ones (FLOE_DB_SCHEMAS). */
  defaultSchemas: string[]
  /** The JSON Schema of each job handler's payload, by handler name (jobs' describeHandlerPayloads). */
  payloadSchemas?: () => Promise<Record<string, JsonSchema>>
}

const SchemaList = z
  .string()
  .regex(/^[^,\s]+(,[^,\s]+)*$/, 'expected schema names separated by commas')
  .optional()
  .openapi({ example: 'public,other' })

export const getTypescriptTypesRoute = createRoute({
  method: 'get',
  path: '/types/typescript',
  operationId: 'admin.getTypescriptTypes',
  summary: 'The Database type of the schemas, for supabase-js, postgrest-js and @floe/sdk',
  tags: ['Admin'],
  request: { query: z.object({ schema: SchemaList }) },
  responses: {
    200: { description: 'A TypeScript module', content: { 'text/plain': { schema: z.string() } } },
    ...errorResponses(400, 401, 403),
  },
})

export function typegenRouter(deps: TypegenRouterDeps): Router {
  const router = createRouter()
  router.use('/types/*', async (c, next) => {
    if (c.var.identity?.role !== 'service_role') {
      throw new ApiError('FORBIDDEN', { details: 'Generating types needs the service key' })
    }
    return next()
  })
  router.openapi(getTypescriptTypesRoute, async (c) => {
    const { schema } = c.req.valid('query')
    const payloads = (await deps.payloadSchemas?.()) ?? {}
    const text = await generateTypescript(deps.withOwner, schema ? schema.split(',') : deps.defaultSchemas, payloads)
    return c.text(text, 200, { 'Content-Type': 'text/plain; charset=utf-8' })
  })
  return router
}
