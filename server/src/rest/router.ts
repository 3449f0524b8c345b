/**
 * `/rest/v1`: the PostgREST-compatible data API. A request goes through the pipeline
 * parse → plan → build (pure, compile.ts) → execute (one statement inside withRequestRole, so
 * RLS decides) → respond (status, headers, the body Postgres produced). Routes are dynamic (one
 * per table and function of the schema cache), so they are plain Hono routes, not zod-openapi
 * ones; their description is the live OpenAPI document at `GET /rest/v1/`.
 */
import { Hono, type Context } from 'hono'
import type { StatusCode } from 'hono/utils/http-status'
import type { RunStatement, WithRequestRole } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import type { AppEnv } from '../http/index.js'
import { compileRequest, type Limits } from './compile.js'
import { canPipeline, checkBeforeCommit, executeCompiled } from './execute.js'
import { buildRestOpenApi } from './openapi.js'
import { parseRequest } from './parse/index.js'
import { negotiateSchema } from './profile.js'
import { respond } from './respond.js'
import { normaliseResult } from './result.js'
import type { SchemaCache, SchemaCacheHolder } from './schema-cache/index.js'

export interface RestDeps {
  schemaCache: SchemaCacheHolder
  withRequestRole: WithRequestRole
  /** One-statement transactions in one round trip (the common case). */
  runStatement: RunStatement
  publicUrl: string
  version: string
  limits: Limits
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

async function handle(c: Context<AppEnv>, deps: RestDeps, kind: 'table' | 'rpc', name: string): Promise<Response> {
  const method = c.req.method
  const cache = deps.schemaCache.get()
  const { schema, negotiated } = negotiateSchema(method, c.req.raw.headers, cache.schemas)
  const url = new URL(c.req.url)
  const body = WRITE_METHODS.has(method) && method !== 'DELETE' ? await c.req.text() : undefined
  const request = parseRequest({ method, target: kind, query: url.search, headers: c.req.raw.headers, body })
  const { compiled, respond: extra } = compileRequest(request, cache, { schema, name, kind }, deps.limits)
  const identity = c.var.identity
  if (!identity) throw new ApiError('UNAUTHENTICATED')
  const tx = {
    readOnly: compiled.readOnly,
    rollback: request.preferences.tx === 'rollback',
    settings: { 'request.method': method, 'request.path': url.pathname },
  }
  const result = canPipeline(compiled, request)
    ? checkBeforeCommit(normaliseResult((await deps.runStatement(identity, compiled.statement, tx))[0]), request)
    : await deps.withRequestRole(identity, (trx) => executeCompiled(trx, compiled, request), tx)
  const resource = schema === cache.schemas[0] ? name : `${schema}.${name}`
  const out = respond({ request, resource, ...(negotiated ? { profile: schema } : {}), ...extra }, result)
  return c.newResponse(out.body, out.status as StatusCode, out.headers)
}

export function restRouter(deps: RestDeps): Hono<AppEnv> {
  const router = new Hono<AppEnv>()
  const openApiByCache = new WeakMap<SchemaCache, string>()
  router.get('/', (c) => {
    const cache = deps.schemaCache.get()
    let doc = openApiByCache.get(cache)
    if (!doc) {
      doc = JSON.stringify(buildRestOpenApi(cache, `${deps.publicUrl}/rest/v1`, deps.version))
      openApiByCache.set(cache, doc)
    }
    return c.body(doc, 200, { 'Content-Type': 'application/openapi+json; charset=utf-8' })
  })
  router.on(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], '/rpc/:fn', (c) => handle(c, deps, 'rpc', c.req.param('fn')))
  router.on(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], '/:resource', (c) => handle(c, deps, 'table', c.req.param('resource')))
  return router
}
