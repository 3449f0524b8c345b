/**
 * OpenAPI: the platform's document at `/openapi.json` (from the zod-openapi route definitions)
 * and the API reference page at `/docs` (Swagger UI from the installed package, no CDN), which
 * also shows the data API's live document (`/rest/v1/`) when opened with a key.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv, PolicyRule } from '../http/index.js'
import { DOCS_ASSETS_PATH, mountDocsPage } from './docs-page.js'
import { documentPlainRoutes } from './plain-paths.js'

/** The document and the reference page are public: a docs page opened in a browser sends no key. */
export const OPENAPI_POLICIES: PolicyRule[] = [
  { methods: 'ALL', path: '/openapi.json', policy: { public: true } },
  { methods: 'ALL', path: '/docs', policy: { public: true } },
  { methods: 'ALL', path: `${DOCS_ASSETS_PATH}/*`, policy: { public: true } },
]

export function mountOpenApi(app: OpenAPIHono<AppEnv>, publicUrl: string, version: string): void {
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Floe API',
      version,
      description: [
        'Platform routes of this Floe instance. Send the anon key in the `apikey` header.',
        '',
        '**Realtime** is a WebSocket, not an HTTP route: `GET /realtime/v1/websocket?apikey=<key>&vsn=2.0.0` (or `vsn=1.0.0`)',
        'speaks the Supabase Realtime protocol (Phoenix channels: `phx_join` with `config.postgres_changes`, `broadcast`,',
        '`presence`, `private`; `access_token`; `heartbeat`), so `supabase.channel()` works against it. A table sends changes',
        'once turned on (`PUT /admin/v1/realtime/tables/{table}` or `select realtime.enable_table(...)`); each subscriber',
        'receives only rows its select rules let it see. `POST /realtime/v1/api/broadcast` sends from outside a channel.',
      ].join('\n'),
    },
    servers: [{ url: publicUrl }],
    security: [{ apikey: [] }],
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'apikey', { type: 'apiKey', in: 'header', name: 'apikey' })
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
  documentPlainRoutes(app)
  mountDocsPage(app, publicUrl)
}
