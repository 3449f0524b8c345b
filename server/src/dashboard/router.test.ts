/**
 * The dashboard's static serving, on the router alone (no database): the SPA fallback and its
 * limits (a missing hashed asset is a 404, never the app's HTML; no path leaves dist), the cache
 * and security headers, the `/dashboard` redirect, config.json, and the 503 that says how to
 * build when dist is missing.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../errors/index.js'
import type { AppEnv } from '../http/index.js'
import { dashboardRouter } from './router.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'floe-dashboard-'))
  await mkdir(path.join(dir, 'dist', 'assets'), { recursive: true })
  await writeFile(path.join(dir, 'dist', 'index.html'), '<!doctype html><title>app</title>')
  await writeFile(path.join(dir, 'dist', 'assets', 'index-abc123.js'), 'console.log(1)')
  await writeFile(path.join(dir, 'secret.txt'), 'outside dist')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

function appFor(distDir: string, anonKey: string | null = 'anon-key') {
  const app = new OpenAPIHono<AppEnv>({ strict: false })
  app.route('/dashboard', dashboardRouter({ publicUrl: 'http://floe.test', readAnonKey: async () => anonKey ?? undefined, distDir }).router)
  app.onError((err, c) => (err instanceof ApiError ? c.json(err.toBody(), err.status) : c.json({ code: 'INTERNAL' }, 500)))
  return app
}

describe('dashboard router', () => {
  it('serves index.html for the app and any deep link, not cached, with the CSP', async () => {
    const app = appFor(path.join(dir, 'dist'))
    for (const p of ['/dashboard/', '/dashboard/tables', '/dashboard/users/123/edit']) {
      const res = await app.request(p)
      expect(res.status, p).toBe(200)
      expect(await res.text()).toContain('<title>app</title>')
      expect(res.headers.get('cache-control')).toBe('no-cache')
      const csp = res.headers.get('content-security-policy')!
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    }
  })

  it('serves hashed assets for good, and a missing one as a 404', async () => {
    const app = appFor(path.join(dir, 'dist'))
    const js = await app.request('/dashboard/assets/index-abc123.js')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const missing = await app.request('/dashboard/assets/index-old999.js')
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { code: string }).code).toBe('NOT_FOUND')
  })

  it('never serves a file outside dist', async () => {
    const app = appFor(path.join(dir, 'dist'))
    for (const p of ['/dashboard/../secret.txt', '/dashboard/%2e%2e/secret.txt', '/dashboard/..%2fsecret.txt', '/dashboard/assets/..%2f..%2fsecret.txt']) {
      const res = await app.request(p)
      expect(await res.text(), p).not.toContain('outside dist')
    }
  })

  it('redirects /dashboard to /dashboard/, keeping the query', async () => {
    const res = await appFor(path.join(dir, 'dist')).request('/dashboard?x=1')
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe('/dashboard/?x=1')
  })

  it('answers config.json with the URL and anon key, or a 503 without an anon key', async () => {
    const res = await appFor(path.join(dir, 'dist')).request('/dashboard/config.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({ url: 'http://floe.test', anon_key: 'anon-key' })
    expect((await appFor(path.join(dir, 'dist'), null).request('/dashboard/config.json')).status).toBe(503)
  })

  it('says how to build the dashboard when dist is missing (503)', async () => {
    const res = await appFor(path.join(dir, 'nowhere')).request('/dashboard/')
    expect(res.status).toBe(503)
    const body = (await res.json()) as { code: string; hint: string }
    expect(body.code).toBe('SERVICE_UNAVAILABLE')
    expect(body.hint).toContain('pnpm --filter @floe/dashboard build')
  })
})
