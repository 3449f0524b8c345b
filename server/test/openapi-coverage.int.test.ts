/**
 * Issue 19: `/openapi.json` covers every route the app serves, each with a summary, and is a
 * valid OpenAPI 3.1 document. The served routes are read from the app itself (app.routes: every
 * module's router as mounted, direct routes included) and, behind the auth catch-all, from
 * better-auth's own endpoint table; the realtime WebSocket is an upgrade the Node server answers
 * before Hono, so it is checked by name. Nothing is listed by hand but the middleware scopes.
 */
import { validate } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildJobsApp, testPrefix, type JobsTestApp } from './jobs-helpers.js'
import { startBackend, type TestBackend } from './storage-helpers.js'

const redisUrl = inject('redisUrl')

interface Operation {
  summary?: string
  operationId?: string
}
interface Document {
  openapi: string
  paths: Record<string, Record<string, Operation>>
}

const HTTP_METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete']
/** Hono's `:name`, `:name{regex}` and a trailing `*` as OpenAPI writes a path parameter. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]\w*)(\{[^}]*\})?/g, '{$1}').replace(/\/\*$/, '/{path}')

describe.skipIf(!redisUrl)('/openapi.json covers every route', () => {
  let t: TestDatabase
  let backend: TestBackend
  let floe: JobsTestApp
  let doc: Document
  const documented = new Map<string, Operation>()

  beforeAll(async () => {
    t = await createTestDatabase()
    backend = await startBackend('filesystem')
    floe = await buildJobsApp(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix(), ...backend.env }, { workers: false })
    const res = await floe.app.request('/openapi.json')
    expect(res.status).toBe(200)
    doc = (await res.json()) as Document
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) if (HTTP_METHODS.includes(method)) documented.set(`${method.toUpperCase()} ${path}`, op)
    }
  })
  afterAll(async () => {
    await floe?.close()
    await backend?.close()
    await t?.drop()
  })

  /** The app's routes with a method (not `ALL`: middleware scopes and catch-alls, checked below). */
  const servedRoutes = () => [...new Set(floe.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${toOpenApiPath(r.path)}`))].sort()

  it('lists each route the app serves, with a summary', () => {
    const served = servedRoutes()
    console.log(`[openapi] ${served.length} routes served by the Hono app, ${documented.size} operations documented`)
    expect(served.length).toBeGreaterThan(150)
    expect(served.filter((r) => !documented.has(r))).toEqual([])
    expect([...documented].filter(([, op]) => !op.summary?.trim()).map(([key]) => key)).toEqual([])
  })

  it("lists each endpoint better-auth serves behind /auth/v1's catch-all", () => {
    const api = floe.auth.betterAuth.api as unknown as Record<string, { path?: unknown; options?: { method?: unknown; metadata?: { SERVER_ONLY?: boolean } } }>
    const endpoints = Object.values(api).filter((e) => typeof e.path === 'string' && !e.options?.metadata?.SERVER_ONLY)
    expect(endpoints.length).toBeGreaterThan(40)
    const missing = endpoints.flatMap((e) => {
      const methods = ([] as unknown[]).concat(e.options?.method ?? 'GET').map((m) => (m === '*' ? 'POST' : String(m)))
      const path = `/auth/v1${toOpenApiPath(e.path as string)}`
      return methods.filter((m) => !documented.has(`${m} ${path}`)).map((m) => `${m} ${path}`)
    })
    expect(missing).toEqual([])
    expect(documented.get('POST /auth/v1/sign-in/email')?.summary).toBe('Sign in with email and password (better-auth)')
  })

  it('has an entry at the path of each specific ALL route, or the path is not served (a rate limit kept for a plugin turned off)', async () => {
    const documentedPaths = new Set([...documented.keys()].map((k) => k.slice(k.indexOf(' ') + 1)))
    // `/*` scopes are middleware (pipeline, requireAdmin, the jobs admin check) or the auth
    // catch-all above; deeper data API paths are PostgREST's InvalidResourcePath error.
    const specific = [...new Set(floe.app.routes.filter((r) => r.method === 'ALL' && !r.path.endsWith('/*') && r.path !== '/rest/v1/:first/:rest{.+}').map((r) => r.path))]
    expect(specific.length).toBeGreaterThan(10)
    for (const path of specific) {
      if (documentedPaths.has(toOpenApiPath(path))) continue
      const res = await floe.app.request(path.replace(/:(\w+)/g, 'x'), { method: 'POST', headers: { ...floe.anon, 'content-type': 'application/json' }, body: '{}' })
      expect(res.status, path).toBe(404)
    }
    const deeper = await floe.app.request('/rest/v1/a/b', { headers: floe.anon })
    expect(((await deeper.json()) as { code: string }).code).toBe('PGRST125')
  })

  it('documents the data API, storage streaming, the auth doors and the realtime socket', () => {
    for (const key of [
      'GET /rest/v1/{name}', 'POST /rest/v1/{name}', 'PATCH /rest/v1/{name}', 'DELETE /rest/v1/{name}', 'POST /rest/v1/rpc/{name}',
      'POST /storage/v1/object/{bucket}/{name}', 'GET /storage/v1/object/{bucket}/{name}', 'GET /storage/v1/object/public/{bucket}/{name}',
      'PATCH /storage/v1/upload/resumable/{id}', 'POST /auth/v1/token', 'POST /auth/v1/signup', 'POST /auth/v1/sign-up/email',
      'GET /realtime/v1/websocket', 'GET /openapi.json', 'GET /docs',
    ]) {
      expect(documented.get(key)?.summary, key).toBeTruthy()
    }
  })

  it('documents nothing the app does not serve', () => {
    const served = new Set(servedRoutes())
    const api = floe.auth.betterAuth.api as unknown as Record<string, { path?: unknown }>
    const betterAuthPaths = new Set(Object.values(api).flatMap((e) => (typeof e.path === 'string' ? [`/auth/v1${toOpenApiPath(e.path)}`] : [])))
    const stray = [...documented.keys()].filter((key) => {
      const path = key.slice(key.indexOf(' ') + 1)
      return !served.has(key) && !betterAuthPaths.has(path) && key !== 'GET /realtime/v1/websocket'
    })
    expect(stray).toEqual([])
  })

  it('has unique operation ids and validates as OpenAPI 3.1', async () => {
    const ids = [...documented.values()].map((op) => op.operationId)
    expect(ids.every(Boolean)).toBe(true)
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
    expect(doc.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(doc) as never)
    expect(result.valid ? [] : result.errors.map((e) => e.message)).toEqual([])
    expect(result.valid).toBe(true)
  })
})
