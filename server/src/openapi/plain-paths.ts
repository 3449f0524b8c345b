/**
 * Entries of `/openapi.json` for routes that have no zod-openapi definition to come from: the
 * data API's generic routes (a plain Hono router whose tables are only known at run time; its
 * live per-table document is `GET /rest/v1/`), the realtime WebSocket (an upgrade, served by the
 * Node server before Hono), and this module's own document and reference page.
 */
import { z, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi'
import { errorResponses, type AppEnv } from '../http/index.js'

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'] as const
type Method = (typeof METHODS)[number]

const PostgrestError = z
  .object({ code: z.string().openapi({ example: 'PGRST205' }), message: z.string(), details: z.string().nullable(), hint: z.string().nullable() })
  .openapi('PostgrestError')
const pgrstErrors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: 'PostgREST error (code: PGRSTnnn or a SQLSTATE)', content: { 'application/json': { schema: PostgrestError } } }]))

const Rows = z.array(z.record(z.string(), z.unknown())).openapi('Rows')
const Prefer = z.string().optional().openapi({ description: 'return=representation|minimal, count=exact|planned|estimated, resolution=merge-duplicates|ignore-duplicates, missing=default' })
const Range = z.string().optional().openapi({ description: 'Rows to answer, e.g. 0-24 (Content-Range says which were)' })

const TABLE_SUMMARY: Record<Method, string> = {
  get: 'Read rows of a table or view (PostgREST filters, select, order, limit, embedding)',
  head: 'Count rows of a table or view (headers only)',
  post: 'Insert rows (bulk, upsert with on_conflict and Prefer: resolution)',
  put: 'Upsert one row named by its primary key filters',
  patch: 'Update the rows the filters match',
  delete: 'Delete the rows the filters match',
}
const RPC_SUMMARY: Record<Method, string> = {
  get: 'Call a stable or immutable function, arguments in the query string',
  head: 'Call a stable or immutable function (headers only)',
  post: 'Call a function, named arguments in the JSON body',
  put: 'Call a function (405 unless the function allows it, as PostgREST)',
  patch: 'Call a function (405 unless the function allows it, as PostgREST)',
  delete: 'Call a function (405 unless the function allows it, as PostgREST)',
}

function dataApi(method: Method, kind: 'table' | 'rpc'): RouteConfig {
  const hasBody = method === 'post' || method === 'put' || method === 'patch'
  return {
    method,
    path: kind === 'table' ? '/rest/v1/{name}' : '/rest/v1/rpc/{name}',
    operationId: `rest.${method}${kind === 'table' ? 'Table' : 'Rpc'}`,
    summary: (kind === 'table' ? TABLE_SUMMARY : RPC_SUMMARY)[method],
    description: 'PostgREST-compatible; the row-level rules of the caller decide. Each table and function, with its columns, is in the live document at `GET /rest/v1/`.',
    tags: ['Data API'],
    request: {
      params: z.object({
        name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: kind === 'table' ? 'todos' : 'add', description: kind === 'table' ? 'A table or view' : 'A function' }),
      }),
      headers: z.object({ prefer: Prefer, range: Range }),
      ...(hasBody ? { body: { required: true, content: { 'application/json': { schema: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]) } } } } : {}),
    },
    responses: {
      200: { description: 'Rows (or the function result)', content: { 'application/json': { schema: Rows } } },
      201: { description: 'Created (with Prefer: return=representation, the rows)' },
      204: { description: 'Done, nothing returned' },
      206: { description: 'Part of the rows (Range)' },
      ...pgrstErrors(400, 401, 403, 404, 406, 409),
    },
  }
}

const PLAIN_ROUTES: RouteConfig[] = [
  {
    method: 'get',
    path: '/rest/v1',
    operationId: 'rest.openApi',
    summary: "The data API's live OpenAPI document: the tables, views and functions the caller's role may use",
    tags: ['Data API'],
    responses: { 200: { description: 'OpenAPI 2.0 document, as PostgREST serves it', content: { 'application/openapi+json': { schema: z.object({}).passthrough() } } }, ...errorResponses(401) },
  },
  ...METHODS.map((m) => dataApi(m, 'table')),
  ...METHODS.map((m) => dataApi(m, 'rpc')),
  {
    method: 'get',
    path: '/realtime/v1/websocket',
    operationId: 'realtime.websocket',
    summary: 'Open a realtime WebSocket (Supabase Realtime protocol: postgres_changes, broadcast, presence)',
    description: 'Send `Upgrade: websocket`. Phoenix channels: `phx_join` with `config.postgres_changes`, `broadcast`, `presence`, `private`; `access_token`; `heartbeat`. Each subscriber receives only the rows its select rules let it see.',
    tags: ['Realtime'],
    security: [{ apikey: [] }],
    request: { query: z.object({ apikey: z.string().optional().openapi({ description: 'The key, when the client cannot send headers (browsers)' }), vsn: z.enum(['1.0.0', '2.0.0']).optional() }) },
    responses: { 101: { description: 'Switching protocols: the socket is open' }, ...errorResponses(401, 429) },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi.document',
    summary: 'This document: every platform route',
    tags: ['Docs'],
    security: [],
    responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.object({}).passthrough() } } } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'openapi.referencePage',
    summary: 'The API reference page (Swagger UI, served by this instance; ?apikey adds the data API)',
    tags: ['Docs'],
    security: [],
    request: { query: z.object({ apikey: z.string().optional() }) },
    responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
  },
  {
    method: 'get',
    path: '/docs/assets/{file}',
    operationId: 'openapi.referenceAsset',
    summary: "A script, style or icon of the reference page (from the installed swagger-ui-dist)",
    tags: ['Docs'],
    security: [],
    request: { params: z.object({ file: z.string().openapi({ param: { name: 'file', in: 'path' }, example: 'swagger-ui-bundle.js' }) }) },
    responses: { 200: { description: 'The file' }, ...errorResponses(404) },
  },
]

export function documentPlainRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const route of PLAIN_ROUTES) app.openAPIRegistry.registerPath(route)
}
