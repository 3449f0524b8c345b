/**
 * Issue 19: `/docs` works offline. The page loads its scripts and styles from this origin (the
 * installed swagger-ui-dist, served by Floe), its Content-Security-Policy allows scripts from
 * self only, and every asset it names answers 200 with the right type, without credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'

describe('/docs is served from this origin', () => {
  let t: TestDatabase
  let floe: TestApp

  beforeAll(async () => {
    t = await createTestDatabase()
    floe = await buildTestApp(t)
  })
  afterAll(async () => {
    await floe?.close()
    await t?.drop()
  })

  const attrs = (html: string, tag: string, attr: string) => [...html.matchAll(new RegExp(`<${tag}\\b[^>]*\\b${attr}="([^"]*)"`, 'g'))].map((m) => m[1]!)

  it('names only same-origin scripts and styles, under a CSP that allows scripts from self only', async () => {
    const res = await floe.http('http://floe.test/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const csp = res.headers.get('content-security-policy')!
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]))
    expect(directives['script-src']).toEqual(["'self'"])
    expect(directives['default-src']).toEqual(["'none'"])
    const html = await res.text()
    const scripts = attrs(html, 'script', 'src')
    expect(scripts.length).toBe(3)
    for (const src of [...scripts, ...attrs(html, 'link', 'href')]) expect(src, src).toMatch(/^\/docs\/assets\/[a-z0-9-]+\.(js|css|png)\?v=[\d.]+$/)
    expect(html).not.toMatch(/https?:\/\//)
    // Every inline <script> is a data block the browser does not run (the CSP would block it anyway).
    const inline = [...html.matchAll(/<script\b([^>]*)>([^<]*)<\/script>/g)].filter((m) => !/\bsrc=/.test(m[1]!))
    expect(inline.map((m) => m[1]!.trim())).toEqual(['type="application/json" id="floe-docs-settings"'])
    expect(JSON.parse(inline[0]![2]!)).toEqual({ urls: [{ name: 'Platform', url: '/openapi.json' }] })
  })

  it('serves each asset the page names: 200, its type, no key needed', async () => {
    const html = await (await floe.http('http://floe.test/docs')).text()
    const sizes: Record<string, number> = {}
    for (const src of [...attrs(html, 'script', 'src'), ...attrs(html, 'link', 'href')]) {
      const res = await floe.http(`http://floe.test${src}`)
      expect(res.status, src).toBe(200)
      const body = await res.text()
      sizes[src.replace(/\?.*/, '')] = body.length
      if (src.includes('.js')) expect(res.headers.get('content-type'), src).toBe('text/javascript; charset=utf-8')
      if (src.includes('.css')) expect(res.headers.get('content-type'), src).toBe('text/css; charset=utf-8')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    }
    expect(sizes['/docs/assets/swagger-ui-bundle.js']).toBeGreaterThan(500_000)
    const init = await (await floe.http('http://floe.test/docs/assets/init.js')).text()
    expect(init).toContain("document.getElementById('floe-docs-settings')")
    expect(init).toContain('SwaggerUIBundle(')
  })

  it('serves nothing else of the package folder', async () => {
    for (const file of ['package.json', 'index.html', '..%2Fpackage.json', 'swagger-ui-bundle.js.map']) {
      const res = await floe.app.request(`/docs/assets/${file}`)
      expect(res.status, file).toBe(404)
      expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' })
    }
  })

  it('adds the data API as a second document and the key as the credential when opened with ?apikey', async () => {
    const key = floe.anon.apikey!
    const html = await (await floe.app.request(`/docs?apikey=${key}`)).text()
    const settings = JSON.parse(/<script type="application\/json" id="floe-docs-settings">([^<]*)<\/script>/.exec(html)![1]!) as unknown
    expect(settings).toEqual({ urls: [{ name: 'Platform', url: '/openapi.json' }, { name: 'Data API', url: `/rest/v1/?apikey=${key}` }], apikey: key })
    // A key that tries to close the data block cannot.
    const hostile = await (await floe.app.request(`/docs?apikey=${encodeURIComponent('</script><script>alert(1)</script>')}`)).text()
    expect(hostile.match(/<\/script>/g)).toHaveLength(4)
  })
})
