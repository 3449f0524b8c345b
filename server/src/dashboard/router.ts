import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ApiError } from '../errors/index.js'
import { createRouter, errorResponses, type AppEnv, type ModuleRoutes, type RoutePolicy } from '../http/index.js'

/**
 * The repository's `dashboard/dist`: this file is server/src/dashboard/router.ts (or
 * server/dist/dashboard/router.js in a built image), three levels under the repository root.
 */
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url))

export interface DashboardRouterDeps {
  /** The instance's PUBLIC_URL, told to the app as `url`. */
  publicUrl: string
  /** The current anon key (undefined: none active). */
  readAnonKey: () => Promise<string | undefined>
  /** Where the built app is (FLOE_DASHBOARD_DIR); undefined: the repository's dashboard/dist. */
  distDir?: string | undefined
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Scripts only from this origin (no inline script, no eval); connections to this origin and its
 * WebSocket (realtime); inline styles allowed because editors (CodeMirror) inject <style> tags.
 * The ws: origin is the request's own host: 'self' alone does not cover ws: in every browser.
 */
function contentSecurityPolicy(host: string | undefined): string {
  const ws = host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : ''
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self'${ws}`,
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

const ConfigBody = z
  .object({
    url: z.string().openapi({ example: 'http://localhost:54321' }),
    anon_key: z.string().openapi({ description: 'The anon key: public by design (browsers send it), bound by the row-level rules' }),
  })
  .openapi('DashboardConfig')

const getConfigRoute = createRoute({
  method: 'get',
  path: '/config.json',
  operationId: 'dashboard.getConfig',
  summary: "The dashboard's bootstrap: this instance's URL and anon key",
  tags: ['Platform'],
  responses: {
    200: { description: 'URL and anon key', content: { 'application/json': { schema: ConfigBody } } },
    ...errorResponses(503),
  },
})

const PUBLIC: RoutePolicy = { public: true }
/** Where app.ts mounts this router; the build's `base` (dashboard/vite.config.ts) says the same. */
const MOUNT = '/dashboard'

export function dashboardRouter(deps: DashboardRouterDeps): ModuleRoutes {
  const distDir = path.resolve(deps.distDir ?? DEFAULT_DIST_DIR)
  const router = createRouter()

  router.openapi(getConfigRoute, async (c) => {
    const anonKey = await deps.readAnonKey()
    if (!anonKey) throw new ApiError('SERVICE_UNAVAILABLE', { details: 'This instance has no active anon key' })
    c.header('Cache-Control', 'no-store')
    return c.json({ url: deps.publicUrl, anon_key: anonKey }, 200)
  })

  // A plain route (any file of the built app): its entry in /openapi.json is declared here.
  router.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{path}',
    operationId: 'dashboard.page',
    summary: 'The admin dashboard (a single-page app): its files, and index.html for its screens',
    tags: ['Dashboard'],
    security: [],
    request: { params: z.object({ path: z.string().openapi({ param: { name: 'path', in: 'path' }, example: 'tables' }) }) },
    responses: { 200: { description: 'A file of the app' }, 301: { description: '/dashboard → /dashboard/' }, ...errorResponses(404) },
  })
  router.get('/*', async (c) => {
    // `/dashboard` (the router is not strict, so it lands here too): the app's URLs are relative to `/dashboard/`.
    // c.req.path has lost a trailing slash by now; the URL as sent tells `/dashboard` from `/dashboard/`.
    const url = new URL(c.req.url)
    if (url.pathname === MOUNT) return c.redirect(`${MOUNT}/${url.search}`, 301)
    const rel = c.req.path.startsWith(MOUNT) ? c.req.path.slice(MOUNT.length) : c.req.path
    return serveFile(c, distDir, rel)
  })

  return {
    router,
    policies: [
      { methods: ['GET', 'HEAD'], path: '/', policy: PUBLIC },
      { methods: ['GET', 'HEAD'], path: '/*', policy: PUBLIC },
    ],
  }
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false)
}

async function serveFile(c: Context<AppEnv>, distDir: string, rel: string): Promise<Response> {
  const index = path.join(distDir, 'index.html')
  if (!(await isFile(index))) {
    throw new ApiError('SERVICE_UNAVAILABLE', {
      details: `The dashboard is not built: ${index} is missing`,
      hint: 'Build it with `pnpm --filter @floe/dashboard build` (pnpm install does it too), then reload',
    })
  }
  // Hono has decoded the path already; normalize drops `..` above the root.
  const wanted = path.join(distDir, path.normalize(rel))
  const inside = wanted.startsWith(distDir + path.sep) && !rel.includes('\0')
  const isAsset = rel.startsWith('/assets/')
  let file = index
  if (inside && wanted !== index && (await isFile(wanted))) file = wanted
  // A missing hashed asset (a page open across a rebuild) is a 404, not the HTML of the app.
  else if (isAsset) throw new ApiError('NOT_FOUND', { details: `No dashboard asset ${rel}` })

  const body = await readFile(file)
  const headers: Record<string, string> = {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': contentSecurityPolicy(c.req.header('host')),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    // Hashed file names change with their content: cache them for good. Everything else (the
    // app's HTML above all) is checked on every load, so a new build is picked up at once.
    'Cache-Control': file !== index && isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
  }
  return c.body(body, 200, headers)
}
