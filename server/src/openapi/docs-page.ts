/**
 * The API reference page at `/docs`: Swagger UI, served from the installed `swagger-ui-dist`
 * package under `/docs/assets/`, never from a CDN, so the page works on a machine with no
 * internet and its Content-Security-Policy allows scripts from this origin only. The page's
 * settings (which documents to show, the key to try them with) travel as a JSON data block that
 * the browser does not execute; `init.js` reads it.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { ApiError } from '../errors/index.js'
import type { AppEnv } from '../http/index.js'

const require = createRequire(import.meta.url)
const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'))
const UI_VERSION = (require('swagger-ui-dist/package.json') as { version: string }).version

/** The package's files the page uses (nothing else of the folder is served). */
const DIST_FILES: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
}

// The page's own script: builds Swagger UI from the data block. With a key in the page's URL it
// is filled in as the `apikey` credential, so "Try it out" works at once.
const INIT_JS = `(function () {
  var settings = JSON.parse(document.getElementById('floe-docs-settings').textContent);
  var ui = SwaggerUIBundle({
    urls: settings.urls,
    'urls.primaryName': settings.urls[0].name,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
    onComplete: function () {
      if (settings.apikey) ui.preauthorizeApiKey('apikey', settings.apikey);
    },
  });
})();
`

export const DOCS_ASSETS_PATH = '/docs/assets'
const ASSET = (file: string) => `${DOCS_ASSETS_PATH}/${file}?v=${UI_VERSION}`

/** Scripts and styles from this origin only; the documents' "Try it out" calls go to the API's own origin. */
function contentSecurityPolicy(publicUrl: string): string {
  const api = new URL(publicUrl).origin
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Swagger UI applies an inline style of its own (blocked and logged under style-src 'self'):
    // styles cannot run code, scripts stay self-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${api}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** JSON inside <script type="application/json">: `<` escaped, so no value can close the element. */
const jsonForHtml = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c')

function page(settings: { urls: { name: string; url: string }[]; apikey?: string }): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Floe API reference</title>
    <link rel="icon" type="image/png" href="${ASSET('favicon-32x32.png')}" />
    <link rel="stylesheet" href="${ASSET('swagger-ui.css')}" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script type="application/json" id="floe-docs-settings">${jsonForHtml(settings)}</script>
    <script src="${ASSET('swagger-ui-bundle.js')}"></script>
    <script src="${ASSET('swagger-ui-standalone-preset.js')}"></script>
    <script src="${ASSET('init.js')}"></script>
  </body>
</html>
`
}

const cache = new Map<string, Buffer>()

async function readDistFile(file: string): Promise<Buffer> {
  let body = cache.get(file)
  if (!body) {
    body = await readFile(path.join(DIST, file))
    cache.set(file, body)
  }
  return body
}

/**
 * `GET /docs` (the page; `?apikey=<key>` adds the live data API, `/rest/v1/`, as a second
 * document) and `GET /docs/assets/{file}` (its scripts and styles).
 */
export function mountDocsPage(app: OpenAPIHono<AppEnv>, publicUrl: string): void {
  const csp = contentSecurityPolicy(publicUrl)
  app.get('/docs', (c) => {
    const key = c.req.query('apikey')
    const urls = [{ name: 'Platform', url: '/openapi.json' }, ...(key ? [{ name: 'Data API', url: `/rest/v1/?apikey=${encodeURIComponent(key)}` }] : [])]
    return c.html(page({ urls, ...(key ? { apikey: key } : {}) }), 200, {
      'Content-Security-Policy': csp,
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    })
  })
  app.get(`${DOCS_ASSETS_PATH}/:file`, async (c: Context<AppEnv>) => {
    const file = c.req.param('file') ?? ''
    const headers = { 'Cache-Control': 'public, max-age=86400', 'X-Content-Type-Options': 'nosniff' }
    if (file === 'init.js') return c.body(INIT_JS, 200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' })
    const type = DIST_FILES[file]
    if (!type) throw new ApiError('NOT_FOUND', { details: `No docs asset ${JSON.stringify(file)}` })
    return c.body(new Uint8Array(await readDistFile(file)), 200, { ...headers, 'Content-Type': type })
  })
}
