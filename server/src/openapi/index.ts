/**
 * OpenAPI: the platform's document at `/openapi.json` (from the zod-openapi route definitions)
 * and the API reference page at `/docs`. The data API's live-schema document joins it later.
 */
import { Scalar } from '@scalar/hono-api-reference'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../http/index.js'

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
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Floe API reference' }))
}
