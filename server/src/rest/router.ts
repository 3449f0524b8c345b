/**
 * `/rest/v1`: the PostgREST-compatible data API. A request goes through the pipeline
 * parse → plan → build (pure, compile.ts) → execute (one statement inside withRequestRole, so
 * RLS decides) → respond (status, headers, the body Postgres produced).
 *
 * The handler works on plain inputs (method, path, query, headers, a body reader, the caller):
 * its two routes are direct routes (http/routes.ts), served from the IncomingMessage by the Node
 * server and through Hono elsewhere. Routes are dynamic (one per table and function of the schema
 * cache), so they are not zod-openapi ones; their description is the live OpenAPI document at
 * `GET /rest/v1/`.
 */
import { Hono } from 'hono'
import { CompiledQuery } from 'kysely'
import type { RunStatement, WithRequestRole } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import { registerDirect, requireIdentity, type AppEnv, type DirectRoute, type Identity, type ModuleRoutes } from '../http/index.js'
import { compileRequest, type CompileResult, type Limits } from './compile.js'
import { canPipeline, checkBeforeCommit, executeCompiled } from './execute.js'
import { buildRestOpenApi } from './openapi.js'
import { contentMediaType, parseRequest, type ApiRequest } from './parse/index.js'
import { negotiateSchema } from './profile.js'
import { canonicalOf, operandSlots, readShape, withOperands } from './read-shape.js'
import { apiPath, requestSettings, type HeaderList } from './request-settings.js'
import { respond, type RestResponse } from './respond.js'
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
  /**
   * false: cache each read by its own URL, never by shape (read-shape.ts). The reference the
   * shape cache is tested against; the server leaves it on.
   */
  liftOperands?: boolean
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
/** The verbs `/rest/v1/<name>` and `/rest/v1/rpc/<name>` answer. */
const REST_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const PLAN_CACHE_SIZE = 1000

interface Prepared {
  request: ApiRequest
  compiled: CompileResult
  /** Cached reads only: the server-side prepared statement name of its SQL text. */
  statementName?: string
  /** Cached reads by shape: where each lifted operand goes among the values; null if none may. */
  slots?: number[][] | null
}

/**
 * Prepared statement names by SQL text: reads that differ only in their values (`id=eq.1`,
 * `id=eq.2`) share one statement, and so do writes of the same columns (the body is one bound
 * JSON value). A name is never reused for another text (a text forgotten and seen again gets a
 * new name), so a name always means one text on every connection.
 */
let statementCount = 0
const statementNames = new Map<string, string>()
function statementNameOf(text: string, kind: 'read' | 'write' = 'read'): string {
  let name = statementNames.get(text)
  if (name === undefined) {
    name = `floe_${kind}_${++statementCount}`
    if (statementNames.size >= PLAN_CACHE_SIZE) statementNames.delete(statementNames.keys().next().value!)
  } else {
    statementNames.delete(text) // most recently used last
  }
  statementNames.set(text, name)
  return name
}

/**
 * Reads are compiled once per distinct shape (read-shape.ts): the same URL up to the operands of
 * its simple filters, and the same headers the parser reads, give the same statement with other
 * values, so parse → plan → build (about 0.4 ms of CPU) is skipped on a hit,
 * and the statement is prepared on each connection under its own name, so Postgres skips its
 * parse and (once it settles on a generic plan) its planning too, as PostgREST's prepared
 * statements do. One cache per schema cache object: a schema reload starts afresh. LRU by Map
 * order.
 */
function createPlanCache() {
  const byCache = new WeakMap<SchemaCache, Map<string, Prepared>>()
  return (cache: SchemaCache, key: string, make: () => Prepared): Prepared => {
    let entries = byCache.get(cache)
    if (!entries) byCache.set(cache, (entries = new Map()))
    const hit = entries.get(key)
    if (hit) {
      entries.delete(key)
      entries.set(key, hit)
      return hit
    }
    const prepared = make()
    const made = { ...prepared, statementName: statementNameOf(prepared.compiled.compiled.statement.text) }
    entries.set(key, made)
    if (entries.size > PLAN_CACHE_SIZE) entries.delete(entries.keys().next().value!)
    return made
  }
}

type PlanCache = ReturnType<typeof createPlanCache>

/** One data API request, as either front end sees it. */
export interface RestInput {
  method: string
  kind: 'table' | 'rpc'
  /** The table, view or function name (percent-decoded). */
  name: string
  /** The request path as sent, for `request.path` in the transaction (request-settings.ts). */
  pathname: string
  /** The query string with its `?`, or ''. */
  search: string
  /** `forEach` lists them all, for `request.headers` in the transaction. */
  headers: { get(name: string): string | null } & HeaderList
  /** The body as text, within BODY_LIMIT (413 beyond). Only called for writes. */
  readBody: () => Promise<string>
  /** The body as bytes, within BODY_LIMIT: a call's raw `application/octet-stream` body. */
  readBytes: () => Promise<Buffer>
  identity: Identity | undefined
}

export interface RestHandler {
  handle(input: RestInput): Promise<RestResponse>
  /**
   * The live OpenAPI document (`GET /rest/v1/`): the tables and functions of the exposed schemas
   * the caller's role may use, as PostgREST's default `openapi-mode = follow-privileges`. Cached
   * per schema cache and role (a GRANT or REVOKE reloads the schema cache).
   */
  openApi(identity: Identity): Promise<string>
}

/** Run as the caller's role: what it may use, by the same tests PostgREST's OpenAPI makes. */
const VISIBLE_SQL = `
  select
    coalesce((select array_agg(n.nspname || '.' || c.relname)
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any($1) and has_schema_privilege(n.oid, 'USAGE') and c.relkind in ('r', 'v', 'm', 'f', 'p')
        and (pg_has_role(c.relowner, 'USAGE') or has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE')
             or has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE'))), '{}') as tables,
    coalesce((select array_agg(p.oid::text)
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any($1) and has_schema_privilege(n.oid, 'USAGE') and has_function_privilege(p.oid, 'EXECUTE')), '{}') as functions`

export function createRestHandler(deps: RestDeps): RestHandler {
  const plans = createPlanCache()
  const openApiByCache = new WeakMap<SchemaCache, Map<string, Promise<string>>>()
  return {
    openApi(identity) {
      const cache = deps.schemaCache.get()
      let byRole = openApiByCache.get(cache)
      if (!byRole) openApiByCache.set(cache, (byRole = new Map()))
      let doc = byRole.get(identity.role)
      if (!doc) {
        doc = deps.withRequestRole(identity, (trx) => trx.executeQuery(CompiledQuery.raw(VISIBLE_SQL, [cache.schemas])), { readOnly: true }).then((r) => {
          const row = r.rows[0] as { tables: string[]; functions: string[] }
          const visible = { tables: new Set(row.tables), functions: new Set(row.functions.map(Number)) }
          return JSON.stringify(buildRestOpenApi(cache, `${deps.publicUrl}/rest/v1`, deps.version, visible))
        })
        byRole.set(identity.role, doc)
        // A failure is not cached: the next request asks again.
        doc.catch(() => byRole.delete(identity.role))
      }
      return doc
    },
    async handle({ method, kind, name, pathname, search, headers, readBody, readBytes, identity }) {
      const cache = deps.schemaCache.get()
      const { schema, negotiated } = negotiateSchema(method, headers, cache.schemas)
      const prepare = (body?: string | Buffer, query = search): Prepared => {
        const request = parseRequest({ method, target: kind, query, headers, ...(body !== undefined && { body }) })
        return { request, compiled: compileRequest(request, cache, { schema, name, kind }, deps.limits) }
      }
      /**
       * A read compiled once per shape, its operands put back on each hit. A shape that does not
       * compile (unknown column, bad select…) or whose operands are not plain bound values is
       * compiled from the read's own URL instead, so its error or statement is its own.
       */
      const cachedRead = (search: string, keyOf: (query: string) => string): Prepared => {
        const shape = readShape(search)
        if (shape.operands.length === 0 || deps.liftOperands === false) return plans(cache, keyOf(search), () => prepare())
        let shaped: Prepared | undefined
        try {
          shaped = plans(cache, keyOf(shape.masked), () => {
            const made = prepare(undefined, shape.masked)
            const { statement, explain } = made.compiled.compiled
            return { ...made, slots: explain ? null : operandSlots(statement, shape.operands.length) }
          })
        } catch {
          shaped = undefined
        }
        if (!shaped?.slots) return plans(cache, keyOf(search), () => prepare())
        const { request, compiled: { compiled, respond: extra }, slots } = shaped
        return {
          ...shaped,
          request: { ...request, query: { ...request.query, canonical: canonicalOf(shape) } },
          compiled: { compiled: { ...compiled, statement: withOperands(compiled.statement, slots, shape.operands) }, respond: extra },
        }
      }
      const { request, compiled: { compiled, respond: extra }, statementName } = WRITE_METHODS.has(method)
        ? prepare(method === 'DELETE' ? undefined : kind === 'rpc' && contentMediaType(headers.get('content-type') ?? undefined) === 'application/octet-stream' ? await readBytes() : await readBody())
        : cachedRead(search, (query) => [method, kind, schema, name, query, headers.get('range'), headers.get('prefer'), headers.get('accept')].join('\n'))
      if (!identity) throw new ApiError('UNAUTHENTICATED')
      const tx = {
        readOnly: compiled.readOnly,
        rollback: request.preferences.tx === 'rollback',
        ...(cache.readsRequestSettings && { settings: requestSettings(method, apiPath(pathname, kind), headers) }),
      }
      const result = canPipeline(compiled, request)
        ? checkBeforeCommit(normaliseResult((await deps.runStatement(identity, { ...compiled.statement, name: statementName ?? statementNameOf(compiled.statement.text, 'write') }, tx))[0]), request)
        : await deps.withRequestRole(identity, (trx) => executeCompiled(trx, compiled, request), tx)
      const resource = schema === cache.schemas[0] ? name : `${schema}.${name}`
      return respond({ request, resource, ...(negotiated ? { profile: schema } : {}), ...extra }, result)
    },
  }
}

/**
 * `/rest/v1`: the OpenAPI document, and tables and functions as direct routes. Every route reads
 * its own body (BODY_LIMIT enforced while reading a write's body).
 */
export function restRouter(rest: RestHandler, bodyLimit: number): ModuleRoutes {
  const router = new Hono<AppEnv>()
  router.get('/', async (c) => {
    return c.body(await rest.openApi(requireIdentity(c)), 200, { 'Content-Type': 'application/openapi+json; charset=utf-8' })
  })
  const route = (kind: 'table' | 'rpc', path: string): DirectRoute => ({
    methods: REST_METHODS,
    path,
    serve: (req, identity) =>
      rest.handle({
        method: req.method,
        kind,
        name: req.params.name!,
        pathname: req.pathname,
        search: req.search,
        headers: req.headers,
        readBody: () => req.readBody(bodyLimit),
        readBytes: () => req.readBytes(bodyLimit),
        identity,
      }),
  })
  const direct = [route('rpc', '/rpc/:name'), route('table', '/:name')]
  for (const d of direct) registerDirect(router, d)
  // Anything deeper (`/a/b/c`, `/rpc/f/x`) is PostgREST's InvalidResourcePath, not a generic 404.
  router.all('/:first/:rest{.+}', () => {
    throw new ApiError('PGRST125', { message: 'Invalid path specified in request URL', details: null, hint: null })
  })
  return { router, direct, policies: [{ methods: 'ALL', path: '/*', policy: { ownsBody: true } }] }
}
