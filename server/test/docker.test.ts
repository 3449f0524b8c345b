/**
 * Static checks of docker/Dockerfile and .dockerignore. There is no Docker engine on the
 * development machines: no image was built and no container run by these tests, so they check
 * what reading can show (what is copied, from which base, as which user, with which health check).
 * The compose files and the Caddyfile: docker-compose.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONFIG_VARIABLES } from '../src/config.js'
import { REPO_ROOT } from './process.js'

const dockerfile = readFileSync(path.join(REPO_ROOT, 'docker/Dockerfile'), 'utf8')
/** Instructions with their continuation lines joined, comments left out. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
const stages = instructions.reduce<string[][]>((acc, l) => (l.startsWith('FROM ') ? [...acc, [l]] : (acc.at(-1)?.push(l), acc)), [])
const runtime = stages.at(-1)!
const readJson = (file: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as { name: string; engines?: { node?: string }; scripts: Record<string, string> }

describe('Dockerfile', () => {
  it('builds from a Node image pinned to a release, the same in every stage, that server/package.json accepts', () => {
    const bases = stages.map((s) => /^FROM (\S+)/.exec(s[0]!)![1]!)
    expect(bases.length).toBe(2)
    for (const base of bases) expect(base, 'FROM <image>:<major>.<minor>.<patch>-<variant>').toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim$/)
    expect(new Set(bases).size).toBe(1)
    const major = Number(/^node:(\d+)/.exec(bases[0]!)![1])
    const minMajor = Number(/>=\s*(\d+)/.exec(readJson('server/package.json').engines!.node!)![1])
    expect(major).toBeGreaterThanOrEqual(minMajor)
    // pnpm too: one exact version, so a rebuild installs with the tool the lockfile was made with.
    const pnpm = [...dockerfile.matchAll(/pnpm@(\S+)/g)].map((m) => m[1]!)
    expect(pnpm.length).toBe(2)
    for (const v of pnpm) expect(v).toMatch(/^\d+\.\d+\.\d+$/)
    expect(new Set(pnpm).size).toBe(1)
  })

  it('copies only paths that exist, and keeps local installs, builds and data out of the context', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY ') && !l.startsWith('COPY --from'))
    const sources = copies.flatMap((l) => l.slice(5).trim().split(/\s+/).slice(0, -1))
    expect(sources.length).toBeGreaterThan(5)
    for (const src of sources) expect(existsSync(path.join(REPO_ROOT, src)), `COPY ${src}`).toBe(true)
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim())
    for (const entry of ['**/node_modules', '**/dist', '.floe', '.git', '**/.env']) expect(ignored).toContain(entry)
  })

  it('builds the server and the dashboard, and ships the dashboard where the server looks for it', () => {
    const server = readJson('server/package.json')
    const dashboard = readJson('dashboard/package.json')
    expect(server.scripts.build && dashboard.scripts.build).toBeTruthy()
    expect(dockerfile).toContain(`--filter ${server.name} build`)
    expect(dockerfile).toContain(`--filter ${dashboard.name} build`)
    // server/dist/dashboard/router.js resolves ../../../dashboard/dist: /app/dashboard/dist.
    expect(runtime).toContain('COPY --from=build /app/dashboard/dist dashboard/dist')
    expect(runtime).toContain('COPY --from=build /app/server/dist server/dist')
    // server/dist/db/migrate.js resolves ../../../migrations.
    expect(runtime).toContain('COPY migrations migrations')
  })

  it('installs production dependencies only and leaves no package manager, store or cache behind', () => {
    const install = runtime.find((l) => l.includes('pnpm install'))!
    expect(install).toMatch(/--prod\b/)
    expect(install).toMatch(/--frozen-lockfile/)
    const store = /--store-dir (\S+)/.exec(install)![1]!
    expect(install).toContain(`rm -rf ${store}`)
    expect(install).toContain('npm rm -g pnpm')
    // One RUN: what it removes never reaches a layer.
    expect(runtime.filter((l) => l.startsWith('RUN ') && l.includes('pnpm')).length).toBe(1)
  })

  it('adds pg_dump / pg_restore (for floe backup) only when PG_CLIENT names a PostgreSQL major', () => {
    expect(runtime).toContain('ARG PG_CLIENT=""')
    const run = runtime.find((l) => l.startsWith('RUN ') && l.includes('PG_CLIENT'))!
    expect(run).toMatch(/^RUN if \[ -n "\$PG_CLIENT" \]; then /)
    expect(run).toContain('"postgresql-client-$PG_CLIENT"')
    expect(run).toContain('rm -rf /var/lib/apt/lists/*')
    // Before USER: apt needs root.
    expect(runtime.indexOf(run)).toBeLessThan(runtime.findIndex((l) => l.startsWith('USER ')))
  })

  it('runs the built server as a non-root user on 0.0.0.0, writing only to FLOE_DATA_DIR', () => {
    const users = runtime.filter((l) => l.startsWith('USER '))
    expect(users.length).toBeGreaterThan(0)
    expect(users.at(-1)).not.toMatch(/^USER (root|0)(:|$)/)
    expect(users.at(-1)).toBe('USER node')
    const env = runtime.find((l) => l.startsWith('ENV '))!
    expect(env).toMatch(/HOST=0\.0\.0\.0/)
    expect(env).toMatch(/FLOE_RUN_FROM_DIST=1/)
    expect(env).toMatch(/FLOE_DATA_DIR=\/data/)
    expect(runtime).toContain('RUN mkdir -p /data && chown node:node /data')
    // Every variable the image sets is a Floe setting, or one the `floe` launcher / Node reads.
    for (const [, name] of env.matchAll(/([A-Z_][A-Z0-9_]*)=/g)) {
      expect(name! in CONFIG_VARIABLES || ['NODE_ENV', 'FLOE_RUN_FROM_DIST'].includes(name!), name).toBe(true)
    }
    expect(readFileSync(path.join(REPO_ROOT, 'server/bin/floe.mjs'), 'utf8')).toContain("process.env.FLOE_RUN_FROM_DIST === '1'")
    expect(runtime.at(-1)).toBe('CMD ["node", "server/bin/floe.mjs", "start"]')
  })

  it('checks its health on /health, at the port it listens on', () => {
    const check = runtime.find((l) => l.startsWith('HEALTHCHECK '))!
    expect(check).toMatch(/--interval=\d+s --timeout=\d+s --start-period=\d+s --retries=\d+/)
    expect(check).toContain("'http://127.0.0.1:' + (process.env.PORT || 54321) + '/health'")
    expect(check).toContain('process.exit(r.ok ? 0 : 1)')
    expect(readFileSync(path.join(REPO_ROOT, 'server/src/health/router.ts'), 'utf8')).toContain("path: '/health'")
    expect(runtime).toContain(`EXPOSE ${CONFIG_VARIABLES.PORT.default}`)
    expect(runtime).toContain('STOPSIGNAL SIGTERM')
  })
})
