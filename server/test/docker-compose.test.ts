/**
 * Static checks of docker/docker-compose.yml (one machine), docker/docker-compose.replicas.yml
 * (API replicas, a worker, Caddy), docker/Caddyfile and docker/.env.example. There is no Docker
 * engine on the development machines: no stack was started by these tests; they read the files,
 * and compare the settings with server/src/config.ts as it is when they run.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { CONFIG_VARIABLES } from '../src/config.js'
import { RESUMABLE_PATH } from '../src/storage/resumable.js'
import { REPO_ROOT } from './process.js'

interface Service {
  image?: string
  logging?: { driver: string; options?: Record<string, string> }
  build?: { context: string; dockerfile: string }
  command?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
  ports?: string[]
  volumes?: string[]
  healthcheck?: { test?: string[]; disable?: boolean }
}
interface Compose {
  name: string
  services: Record<string, Service>
  volumes?: Record<string, unknown>
}

const dockerDir = path.join(REPO_ROOT, 'docker')
const read = (file: string) => readFileSync(path.join(dockerDir, file), 'utf8')
// `merge`: the files share settings through YAML merge keys (<<: *anchor), as compose reads them.
const load = (file: string) => parse(read(file), { merge: true }) as Compose
const FILES = ['docker-compose.yml', 'docker-compose.replicas.yml'] as const
const composes = Object.fromEntries(FILES.map((f) => [f, load(f)])) as Record<(typeof FILES)[number], Compose>
const CONFIG_KEYS = Object.keys(CONFIG_VARIABLES)

/** .env.example's two parts: compose-only variables, then Floe's settings (split on the marker). */
const envExample = (() => {
  const text = read('.env.example')
  const at = text.indexOf('\n# ==== Floe settings')
  if (at < 0) throw new Error('docker/.env.example has no "# ==== Floe settings" line')
  const keys = (part: string) => [...part.matchAll(/^([A-Za-z0-9_]+)=/gm)].map((m) => m[1]!)
  return { composeOnly: keys(text.slice(0, at)), floe: keys(text.slice(at)), text }
})()

/** Services running the Floe image built from docker/Dockerfile. */
const floeServices = (c: Compose) => Object.entries(c.services).filter(([, s]) => s.build?.dockerfile === 'docker/Dockerfile')
const isWorker = (s: Service) => s.command?.join(' ') === 'node server/bin/floe.mjs worker'
const interpolated = (text: string) => new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)/g)].map((m) => m[1]!))

describe('docker/.env.example', () => {
  it('lists exactly the settings config.ts reads, in its order', () => {
    expect(envExample.floe).toEqual(CONFIG_KEYS)
  })

  it('lists compose-only variables apart: none is a Floe setting, each used by a compose file', () => {
    expect(envExample.composeOnly.length).toBeGreaterThan(0)
    const used = new Set(FILES.flatMap((f) => [...interpolated(read(f))]))
    for (const key of envExample.composeOnly) {
      expect(CONFIG_KEYS, `${key} is a Floe setting: it belongs below the marker`).not.toContain(key)
      expect(used.has(key), `${key} is used by no compose file`).toBe(true)
    }
    expect(new Set([...envExample.composeOnly, ...envExample.floe]).size).toBe(envExample.composeOnly.length + envExample.floe.length)
  })

  it('holds no secret: every password, secret and key is left for the operator to set', () => {
    const values = Object.fromEntries([...envExample.text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]))
    for (const [key, value] of Object.entries(values)) if (/PASSWORD|SECRET|_KEY$|_PASS$|_URL$/.test(key)) expect(value, key).toBe('')
  })

  it('and the compose files are what docker/env-example.ts writes from config.ts', () => {
    // Fails when config.ts gained or lost a setting: run `cd server && npx tsx ../docker/env-example.ts`.
    const tsx = path.join(REPO_ROOT, 'server/node_modules/.bin/tsx')
    expect(() => execFileSync(tsx, ['../docker/env-example.ts', '--check'], { cwd: path.join(REPO_ROOT, 'server'), stdio: 'pipe' })).not.toThrow()
  }, 60_000)
})

describe.each(FILES)('docker/%s', (file) => {
  const compose = composes[file]
  const text = read(file)

  it('parses, with a project name and services', () => {
    expect(compose.name).toBe('floe')
    expect(Object.keys(compose.services).length).toBeGreaterThanOrEqual(4)
  })

  it('interpolates only variables that .env.example lists', () => {
    const listed = new Set([...envExample.composeOnly, ...envExample.floe])
    for (const v of interpolated(text)) expect(listed.has(v), `\${${v}} missing from .env.example`).toBe(true)
  })

  it('pins every image to a version: no latest, no bare name', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.image, `${name} has an image`).toBeDefined()
      const image = s.build ? /^\$\{FLOE_IMAGE:-(.+)\}$/.exec(s.image!)?.[1] : s.image
      expect(image, `${name}: ${s.image}`).toBeDefined()
      const tag = image!.split(':')[1]
      expect(tag, `${name}: ${image} has no tag`).toBeDefined()
      expect(tag).not.toMatch(/latest/)
      // A release, not a floating major: postgres:16.10-bookworm, RELEASE.2025-04-22T22-12-26Z.
      if (!s.build) expect(tag, `${name}: ${image}`).toMatch(/^(\d+\.\d+(\.\d+)?(-[a-z]+)?|RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ)$/)
    }
    if (file === 'docker-compose.yml') expect(compose.services.floe!.build!.context).toBe('..')
    // The opt-in PostgreSQL client (docker.test.ts) is the one build argument, off by default.
    for (const [name, s] of floeServices(compose)) expect((s.build as { args?: object }).args, name).toEqual({ PG_CLIENT: '${FLOE_PG_CLIENT:-}' })
  })

  it('gives every service a health check, but `floe worker`, which serves no HTTP', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (isWorker(s)) expect(s.healthcheck, name).toEqual({ disable: true })
      // Built from the Dockerfile: its HEALTHCHECK (GET /health) applies.
      else if (s.build) expect(s.healthcheck, name).toBeUndefined()
      else expect(s.healthcheck?.test?.length, `${name} has no healthcheck`).toBeGreaterThan(0)
    }
    expect(read('Dockerfile')).toMatch(/^HEALTHCHECK /m)
  })

  it('caps every service\'s log files (Docker keeps them without limit otherwise)', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.logging?.driver, name).toBe('json-file')
      expect(s.logging?.options?.['max-size'], name).toMatch(/^\d+m$/)
      expect(Number(s.logging?.options?.['max-file']), name).toBeGreaterThan(0)
    }
  })

  it('starts Floe once PostgreSQL, Redis and MinIO are healthy', () => {
    for (const [name, s] of floeServices(compose)) {
      for (const dep of ['postgres', 'redis', 'minio']) expect(s.depends_on?.[dep], `${name} waits for ${dep}`).toEqual({ condition: 'service_healthy' })
    }
  })

  it('publishes ports only from the entry point (Floe alone, or the proxy in front of the replicas)', () => {
    const entry = file === 'docker-compose.yml' ? 'floe' : 'proxy'
    for (const [name, s] of Object.entries(compose.services)) {
      if (name === entry) expect(s.ports?.length, name).toBeGreaterThan(0)
      else expect(s.ports, `${name} publishes ports`).toBeUndefined()
    }
  })

  it('keeps data in named volumes, each declared, each used', () => {
    const declared = Object.keys(compose.volumes ?? {})
    const used = new Set<string>()
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!
        if (source.startsWith('.') || source.startsWith('/')) {
          // The one bind mount: the proxy's configuration, read-only.
          expect(`${name} ${v}`).toBe('proxy ./Caddyfile:/etc/caddy/Caddyfile:ro')
          expect(existsSync(path.join(dockerDir, source))).toBe(true)
        } else {
          expect(declared, `${name}: volume ${source} is not declared`).toContain(source)
          used.add(source)
        }
      }
    }
    expect([...used].sort()).toEqual([...declared].sort())
    for (const svc of ['postgres', 'redis', 'minio']) expect(compose.services[svc]!.volumes?.length, svc).toBe(1)
  })

  it('passes Floe services every setting config.ts reads, and nothing else', () => {
    const services = floeServices(compose)
    expect(services.length).toBeGreaterThan(0)
    for (const [name, s] of services) expect(Object.keys(s.environment ?? {}).sort(), name).toEqual([...CONFIG_KEYS].sort())
  })

  it('writes no secret into the file: passwords, secrets and keys come from .env', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD|SECRET|_KEY$|_PASS$|_AUTH$|^MINIO_ROOT_USER$/.test(key)) expect(value, `${name} ${key}`).toMatch(/^\$\{[A-Z0-9_]+(:-|:\?[^}]*)?\}$/)
      }
    }
    expect(text).not.toMatch(/change-me/)
  })

  it('wires Floe to the bundled services unless .env says otherwise', () => {
    const [, s] = floeServices(compose)[0]!
    const env = s.environment!
    expect(env.DATABASE_URL).toBe('${DATABASE_URL:-postgres://postgres:${POSTGRES_PASSWORD}@postgres:5432/floe}')
    expect(env.REDIS_URL).toBe('${REDIS_URL:-redis://:${REDIS_PASSWORD}@redis:6379}')
    expect(env.S3_ENDPOINT).toBe('${S3_ENDPOINT:-http://minio:9000}')
    // An empty HOST would override the image's 0.0.0.0 and leave Floe unreachable.
    expect(env.HOST).toBe('${HOST:-0.0.0.0}')
    expect(env.FLOE_DATA_DIR).toBe('${FLOE_DATA_DIR:-/data}')
    expect(compose.services.minio!.environment).toMatchObject({ MINIO_ROOT_USER: '${S3_ACCESS_KEY:?set S3_ACCESS_KEY in .env}' })
    expect(compose.services.redis!.command).toContain('--requirepass')
    expect(compose.services.postgres!.environment).toMatchObject({ POSTGRES_DB: 'floe', POSTGRES_USER: 'postgres' })
  })
})

describe('docker/docker-compose.yml', () => {
  it('publishes Floe on loopback unless FLOE_BIND says otherwise', () => {
    expect(composes['docker-compose.yml'].services.floe!.ports).toEqual(['${FLOE_BIND:-127.0.0.1}:${FLOE_PORT:-54321}:${PORT:-54321}'])
  })
})

describe('docker/docker-compose.replicas.yml', () => {
  const compose = composes['docker-compose.replicas.yml']
  const api = floeServices(compose).filter(([, s]) => !isWorker(s))
  const caddyfile = read('Caddyfile')

  it('runs several API replicas without job workers, and the workers as `floe worker` processes', () => {
    expect(api.length).toBeGreaterThanOrEqual(2)
    for (const [name, s] of api) {
      expect(s.environment!.FLOE_WORKERS, name).toBe('false')
      expect(s.command, name).toBeUndefined() // the image's `floe start`
      // Partial resumable uploads, shared by the replicas of this host.
      expect(s.volumes, name).toEqual(['floe-data:/data'])
    }
    const workers = floeServices(compose).filter(([, s]) => isWorker(s))
    expect(workers.length).toBeGreaterThanOrEqual(1)
    // Behind the proxy, the client's address is the first X-Forwarded-For entry.
    for (const [name, s] of floeServices(compose)) expect(s.environment!.TRUST_PROXY, name).toBe('${TRUST_PROXY:-true}')
  })

  it('publishes only Caddy (HTTP, HTTPS, HTTP/3), started after the replicas (their health is its own business)', () => {
    const proxy = compose.services.proxy!
    expect(proxy.image).toMatch(/^caddy:\d+\.\d+\.\d+-alpine$/)
    expect(proxy.ports).toEqual(['80:80', '443:443', '443:443/udp'])
    for (const [name] of api) expect(proxy.depends_on?.[name]).toEqual({ condition: 'service_started' })
    expect(proxy.volumes).toEqual(expect.arrayContaining(['caddy-data:/data', 'caddy-config:/config']))
    // Every {$VAR} the Caddyfile reads is handed to the proxy.
    for (const [, v] of caddyfile.matchAll(/\{\$([A-Z0-9_]+)/g)) expect(Object.keys(proxy.environment ?? {}), v).toContain(v)
  })

  it('balances over exactly the API replicas, on the port they listen on', () => {
    const to = /^\s*to (.+)$/m.exec(caddyfile)![1]!.trim().split(/\s+/)
    expect(to).toEqual(api.map(([name]) => `${name}:{$FLOE_UPSTREAM_PORT:54321}`))
    expect(compose.services.proxy!.environment!.FLOE_UPSTREAM_PORT).toBe('${PORT:-54321}')
  })

  it('routes by health: active checks of /ready (which the server exposes) and passive ones', () => {
    expect(caddyfile).toMatch(/^\s*health_uri \/ready$/m)
    expect(readFileSync(path.join(REPO_ROOT, 'server/src/health/router.ts'), 'utf8')).toContain("path: '/ready'")
    expect(caddyfile).toMatch(/^\s*health_status 200$/m)
    expect(caddyfile).toMatch(/^\s*health_interval \d+s$/m)
    expect(caddyfile).toMatch(/^\s*fail_duration \d+s$/m)
    // Each route takes its upstreams (and so the checks) from the one snippet.
    const proxies = caddyfile.match(/^\s*reverse_proxy\b.*$/gm)!
    expect(proxies.length).toBe(3)
    expect(caddyfile.match(/^\s*import floe_upstreams$/gm)!.length).toBe(proxies.length)
  })

  it('passes WebSockets through on the realtime path, and keeps a resumable upload on one replica', () => {
    expect(readFileSync(path.join(REPO_ROOT, 'server/src/realtime/router.ts'), 'utf8')).toContain("path: '/websocket'")
    expect(readFileSync(path.join(REPO_ROOT, 'server/src/app.ts'), 'utf8')).toContain("'/realtime/v1'")
    expect(caddyfile).toMatch(/^\s*@websocket path \/realtime\/v1\/websocket$/m)
    expect(caddyfile).toMatch(/handle @websocket \{\s*reverse_proxy \{/)
    // Caddy forwards the Upgrade handshake itself; removing either header would break it.
    expect(caddyfile).not.toMatch(/header_up\s+-(Connection|Upgrade)/i)
    expect(caddyfile).toContain(`@resumable path ${RESUMABLE_PATH} ${RESUMABLE_PATH}/*`)
    expect(caddyfile).toMatch(/handle @resumable \{\s*reverse_proxy \{\s*import floe_upstreams\s*lb_policy ip_hash/)
  })
})

describe('docker/README.md', () => {
  const readme = read('README.md')

  it('names only settings that exist (config.ts, .env.example or a Dockerfile ARG), so a rename shows here', () => {
    const buildArgs = [...read('Dockerfile').matchAll(/^ARG ([A-Z0-9_]+)/gm)].map((m) => m[1]!)
    const known = new Set([...CONFIG_KEYS, ...envExample.composeOnly, ...buildArgs])
    const named = [...readme.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)/g)].map((m) => m[1]!)
    expect(named.length).toBeGreaterThan(20)
    for (const name of named) expect(known.has(name), `${name} is neither a Floe setting nor in .env.example`).toBe(true)
  })

  it('runs only `floe` commands that `floe help` lists', () => {
    const help = execFileSync(process.execPath, [path.join(REPO_ROOT, 'server/bin/floe.mjs'), 'help'], { encoding: 'utf8' })
    const listed = new Set([...help.matchAll(/^ {2}([a-z]+)/gm)].map((m) => m[1]!))
    const used = [...readme.matchAll(/floe\.mjs ([a-z]+)/g)].map((m) => m[1]!)
    expect(used.length).toBeGreaterThan(3)
    for (const command of used) expect(listed.has(command), `floe ${command}`).toBe(true)
  }, 30_000)
})
