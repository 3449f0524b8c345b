/**
 * What a module declares about its routes, beside the routes themselves, and the one table that
 * answers for a request "which policy, and is it a direct route". The pipeline reads policies
 * from here; app.ts only lists the modules' mounts and never tests a URL.
 *
 * Paths are Hono patterns relative to the module's mount point, matched by Hono's own router on
 * the path as Hono decodes it, so a declaration means the same thing to both front ends.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Hono } from 'hono'
import { RegExpRouter } from 'hono/router/reg-exp-router'
import { SmartRouter } from 'hono/router/smart-router'
import { TrieRouter } from 'hono/router/trie-router'
import { tryDecodeURIComponent } from 'hono/utils/url'
import type { ErrorDialect } from '../errors/index.js'
import type { AppEnv } from './context.js'
import type { Identity } from './identity.js'

export interface RoutePolicy {
  /** Served without credentials: no identity is resolved and the per-IP limit does not count it
   *  (probes, links opened from emails, public objects, signed URLs whose token is the credential). */
  readonly public?: boolean
  /** The route reads its own body (streaming it, or enforcing its limit while reading it), so the
   *  pipeline's BODY_LIMIT check leaves the body alone. */
  readonly ownsBody?: boolean
  /** Not cut off by REQUEST_TIMEOUT_MS (uploads of large files; a WebSocket once upgraded). */
  readonly untimed?: boolean
  /** Errors are answered in GoTrue's words (the auth routes `@supabase/auth-js` calls). */
  readonly errors?: ErrorDialect
}

/** A policy for the routes of `methods` ('ALL': every method) under `path`. HEAD is its own method. */
export interface PolicyRule {
  methods: readonly string[] | 'ALL'
  path: string
  policy: RoutePolicy
}

/** A request as a direct route sees it: no Hono context, no fetch Request. */
export interface PlainRequest {
  method: string
  /** The path as sent (still percent-encoded), without the query string. */
  pathname: string
  /** The query string with its `?`, or ''. */
  search: string
  /** Path parameters, percent-decoded as Hono decodes them. */
  params: Readonly<Record<string, string>>
  /** `forEach` lists every header, names lower case (the data API hands them to SQL). */
  headers: { get(name: string): string | null; forEach(fn: (value: string, name: string) => void): void }
  /** The body as text, at most `limit` bytes (413 beyond). */
  readBody(limit: number): Promise<string>
  /** The body as bytes (for a raw binary body), at most `limit` bytes (413 beyond). */
  readBytes(limit: number): Promise<Buffer>
}

export interface PlainResponse {
  status: number
  /** An array: the header sent once per value (two `Set-Cookie` a function set). */
  headers: Record<string, string | string[]>
  /** Bytes for a binary answer (a function returning `application/octet-stream`). */
  body: string | Uint8Array<ArrayBuffer> | null
}

/**
 * A route whose handler works on a plain request, so the Node server serves it straight from the
 * IncomingMessage (http/node-front.ts) and the Hono app through registerDirect (http/hono.ts):
 * the hot routes (data API, enqueue), where Hono's context and its Node adapter cost more CPU
 * than the route's own work. It reads its own body, so `ownsBody` is implied.
 */
export interface DirectRoute {
  methods: readonly string[]
  path: string
  policy?: RoutePolicy
  serve(req: PlainRequest, identity: Identity | undefined): Promise<PlainResponse>
}

/**
 * A route answered by switching protocols (a WebSocket, `GET` with `Upgrade:`). The Node server
 * admits it through the same pipeline stages as any request (per-IP limit, identity from the
 * apikey header or query parameter and the bearer, per-user limit; a refusal is the usual JSON
 * error), then hands it the socket. The deadline covers admission only: a socket lives on.
 */
export interface UpgradeRoute {
  path: string
  policy?: RoutePolicy
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, identity: Identity | undefined): void
}

/** A module as app.ts mounts it: its Hono router, its policies, its direct and upgrade routes. */
export interface Mount {
  prefix: string
  router: Hono<AppEnv>
  policies?: PolicyRule[]
  /** Already registered on `router` (registerDirect); listed here for the Node front end. */
  direct?: DirectRoute[]
  upgrades?: UpgradeRoute[]
}

/** What a module's router function returns; app.ts gives it its prefix. */
export type ModuleRoutes = Omit<Mount, 'prefix'>

/** Shared between requests (cached): read it, never change it. */
export interface RouteMatch {
  readonly policy: RoutePolicy
  /** The matched direct or upgrade route's template with its mount prefix (`/rest/v1/:name`), for metrics. */
  readonly route?: string
  readonly direct?: DirectRoute
  readonly upgrade?: UpgradeRoute
  /** Percent-decoded as Hono decodes them. */
  readonly params: Readonly<Record<string, string>>
}

/** The method key upgrade routes are matched under (no HTTP method has this name). */
export const UPGRADE = 'UPGRADE'

export interface RouteTable {
  /** `path`: decoded as Hono decodes it, without a trailing slash; `method` UPGRADE for upgrade routes. */
  match(method: string, path: string): RouteMatch
}

type Entry = { policy: RoutePolicy; direct?: DirectRoute; upgrade?: UpgradeRoute; route?: string }
type Stash = Record<string, number> | Record<string, string>

const NO_POLICY: RoutePolicy = Object.freeze({})
const MATCH_CACHE_SIZE = 1000
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({})
const NO_MATCH: RouteMatch = Object.freeze({ policy: NO_POLICY, params: NO_PARAMS })
const joinPath = (prefix: string, path: string) => (path === '/' ? prefix || '/' : `${prefix}${path}`)

export function createRouteTable(mounts: readonly Pick<Mount, 'prefix' | 'policies' | 'direct' | 'upgrades'>[]): RouteTable {
  const router = new SmartRouter<Entry>({ routers: [new RegExpRouter(), new TrieRouter()] })
  const add = (methods: readonly string[] | 'ALL', path: string, entry: Entry) => {
    for (const m of methods === 'ALL' ? ['ALL'] : methods) router.add(m, path, entry)
  }
  for (const mount of mounts) {
    for (const rule of mount.policies ?? []) add(rule.methods, joinPath(mount.prefix, rule.path), { policy: rule.policy })
    for (const direct of mount.direct ?? []) {
      const route = joinPath(mount.prefix, direct.path)
      add(direct.methods, route, { policy: { ...direct.policy, ownsBody: true }, direct, route })
    }
    for (const upgrade of mount.upgrades ?? []) {
      const route = joinPath(mount.prefix, upgrade.path)
      add([UPGRADE], route, { policy: upgrade.policy ?? {}, upgrade, route })
    }
  }
  // Matches by method and path, most recent kept: a data API read repeats its path whatever its
  // query, and Hono's router costs about 2 µs a match (bench/README.md).
  const cache = new Map<string, RouteMatch>()
  return {
    match(method, path) {
      const key = `${method} ${path}`
      let found = cache.get(key)
      if (found === undefined) {
        found = lookup(method, path)
        if (cache.size >= MATCH_CACHE_SIZE) cache.delete(cache.keys().next().value!)
        cache.set(key, found)
      }
      return found
    },
  }

  function lookup(method: string, path: string): RouteMatch {
    const [found, stash] = router.match(method, path) as [[Entry, Stash][], string[] | undefined]
    if (found.length === 0) return NO_MATCH
    const only = found.length === 1 ? found[0]![0] : undefined
    if (only && !only.direct && !only.upgrade) return Object.freeze({ policy: only.policy, params: NO_PARAMS })
    let policy: RoutePolicy = {}
    let route: Entry | undefined
    let params: Record<string, string> = {}
    for (const [entry, p] of found) {
      policy = { ...policy, ...entry.policy }
      if ((entry.direct || entry.upgrade) && !route) {
        route = entry
        params = paramsOf(p, stash)
      }
    }
    return Object.freeze({
      policy,
      params: Object.freeze(params),
      ...(route?.direct && { direct: route.direct }),
      ...(route?.upgrade && { upgrade: route.upgrade }),
      ...(route?.route !== undefined && { route: route.route }),
    })
  }
}

/**
 * Hono's routers answer params either by name or as indexes into a stash; a value with a
 * percent-escape is decoded as Hono's c.req.param() decodes it (leniently).
 */
function paramsOf(p: Stash, stash: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(p)) {
    const raw = stash && typeof v === 'number' ? stash[v] : v
    if (typeof raw === 'string') out[name] = raw.includes('%') ? tryDecodeURIComponent(raw) : raw
  }
  return out
}
