/**
 * OpenAPI: the platform's document at `/openapi.json` (from the zod-openapi route definitions)
 * and the API reference page at `/docs`, which also shows the data API's live document
 * (`/rest/v1/`) when opened with a key.
 */
import { Scalar } from '@scalar/hono-api-reference'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv, PolicyRule } from '../http/index.js'

/** The document and the reference page are public: a docs page opened in a browser sends no key. */
export const OPENAPI_POLICIES: PolicyRule[] = [
  { methods: 'ALL', path: '/openapi.json', policy: { public: true } },
  { methods: 'ALL', path: '/docs', policy: { public: true } },
]

export function mountOpenApi(app: OpenAPIHono<AppEnv>, publicUrl: string, version: string): void {
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Floe API',
      version,
      description: 'Platform routes of this Floe instance. Send the anon key in the `apikey` header.',
    },
    servers: [{ url: publicUrl }],
    security: [{ apikey: [] }],
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'apikey', { type: 'apiKey', in: 'header', name: 'apikey' })
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
  // `/docs?apikey=<key>` adds the live data API (`/rest/v1/`, which needs a key) as a second
  // document; without a key the page shows the platform routes only.
  app.get(
    '/docs',
    Scalar<AppEnv>((c) => {
      const key = c.req.query('apikey')
      return {
        pageTitle: 'Floe API reference',
        sources: [
          { title: 'Platform', url: '/openapi.json' },
          ...(key ? [{ title: 'Data API', url: `/rest/v1/?apikey=${encodeURIComponent(key)}` }] : []),
        ],
      }
    }),
  )
}
