/**
 * The pipeline (pipeline.ts) run straight on Node's IncomingMessage for the direct routes (the
 * data API, the enqueue route), in front of the Hono app, which serves every other request; and
 * for the upgrade routes (WebSockets), which Hono's Node adapter cannot serve. On a
 * primary-key read, Hono's context, its middleware closures, Headers objects and the fetch
 * Response its Node adapter writes back cost more CPU than the data API's own work
 * (bench/README.md). Holds no step of its own: each stage is the pipeline's, and the route is
 * found in the same route table the Hono middleware reads its policies from.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { getPathNoStrict } from 'hono/utils/url'
import { ApiError } from '../errors/index.js'
import type { Logger } from '../log.js'
import type { Identity } from './identity.js'
import { endRaw, type FrontHandler, type UpgradeHandler } from './node-server.js'
import type { AdmissionRequest, Pipeline, SetHeaders } from './pipeline.js'
import { readIncomingBytes, readIncomingText } from './read-body.js'
import { mergeVary } from './response-headers.js'
import { UPGRADE, type PlainRequest, type PlainResponse, type RouteMatch, type RouteTable } from './routes.js'

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

/** Serves a direct route's request and returns true, or returns false (untouched) for Hono. */
export function createNodeFront(p: Pipeline, table: RouteTable): FrontHandler {
  return (req, res) => {
    const { url, method } = req
    if (url === undefined || method === undefined || method === 'OPTIONS' || url.charCodeAt(0) !== 47 /* / */) return false
    const path = routingPath(url)
    const found = table.match(method, path)
    if (!found.direct) return false
    void serve(p, req, res, method, url, path, found)
    return true
  }
}

async function serve(p: Pipeline, req: IncomingMessage, res: ServerResponse, method: string, url: string, path: string, found: RouteMatch): Promise<void> {
  const started = performance.now()
  const { requestId, headers: base } = p.open(headerOf(req, 'x-request-id'), headerOf(req, 'origin'))
  let log: Logger | undefined
  const logOf = (): Logger => (log ??= p.log.child({ reqId: requestId }))
  // Lower-case names, as Hono's Node adapter writes them: a later value replaces an earlier one
  // whatever case each source spelled it in.
  const headers: Record<string, string | number | string[]> = { 'x-request-id': requestId }
  const set: SetHeaders = (entries) => {
    for (const [name, value] of entries) headers[name.toLowerCase()] = value
  }
  set(base)
  const q = url.indexOf('?')
  const search = q < 0 ? '' : url.slice(q)
  const admission = admissionOf(req, search)
  const plain: PlainRequest = {
    method,
    pathname: q < 0 ? url : url.slice(0, q),
    search,
    params: found.params,
    headers: {
      get: (name) => headerOf(req, name) ?? null,
      forEach: (fn) => {
        for (const name in req.headers) fn(headerOf(req, name)!, name)
      },
    },
    readBody: (limit) => readIncomingText(req, limit),
    readBytes: (limit) => readIncomingBytes(req, limit),
  }
  const { policy, direct } = found
  let identity: Identity | undefined
  let out: PlainResponse
  try {
    out = await p.deadline(policy, async () => {
      await p.admit(policy, admission, set, (who) => (identity = who))
      return direct!.serve(plain, identity)
    })
  } catch (err) {
    out = p.fail(err, identity, logOf(), policy)
  }
  try {
    for (const name in out.headers) {
      const key = name.toLowerCase()
      const value = out.headers[name]!
      const prior = headers[key]
      // The route's Vary joins the pipeline's (Origin) rather than replacing it.
      headers[key] = key === 'vary' && typeof prior === 'string' && typeof value === 'string' ? mergeVary(prior, value) : value
    }
    if (out.body !== null) headers['content-length'] = Buffer.byteLength(out.body)
    res.writeHead(out.status, headers)
    res.end(out.body ?? undefined)
  } catch (err) {
    // The client went away, or a header value Node refuses: nothing more can be answered.
    logOf().warn({ err: { message: (err as Error).message } }, 'response not written')
    if (!res.headersSent) res.writeHead(500).end()
  }
  p.finish(logOf, { method, path, route: found.route!, status: out.status, started, role: identity?.role })
}

/**
 * A request to switch protocols on an upgrade route: admitted by the same stages (a refusal is the
 * usual JSON error on the socket, which is then closed), then handed to the route. Anything else
 * asking to upgrade is answered 404.
 */
export function createNodeUpgrade(p: Pipeline, table: RouteTable): UpgradeHandler {
  return (req, socket, head) => {
    const url = req.url ?? '/'
    const path = routingPath(url.startsWith('/') ? url : '/')
    const found = table.match(UPGRADE, path)
    void upgrade(p, req, socket, head, path, found)
  }
}

async function upgrade(p: Pipeline, req: IncomingMessage, socket: Duplex, head: Buffer, path: string, found: RouteMatch): Promise<void> {
  const started = performance.now()
  const { requestId, headers: base } = p.open(headerOf(req, 'x-request-id'), headerOf(req, 'origin'))
  const log = p.log.child({ reqId: requestId })
  const headers: (readonly [string, string])[] = [['x-request-id', requestId], ...base]
  const set: SetHeaders = (entries) => void headers.push(...entries)
  const url = req.url ?? ''
  const q = url.indexOf('?')
  let identity: Identity | undefined
  let status = 101
  try {
    const route = found.upgrade
    if (!route) throw new ApiError('NOT_FOUND', { details: `No upgrade route matches ${path}` })
    const admission = admissionOf(req, q < 0 ? '' : url.slice(q))
    await p.deadline({}, () => p.admit(found.policy, admission, set, (who) => (identity = who)))
    route.upgrade(req, socket, head, identity)
  } catch (err) {
    const out = p.fail(err, identity, log, found.policy)
    status = out.status
    endRaw(socket, out.status, [...headers, ...Object.entries(out.headers)], out.body)
  }
  p.finish(() => log, { method: req.method ?? 'GET', path, route: found.route ?? UNMATCHED_UPGRADE, status, started, role: identity?.role })
}

/** The route label of a request to switch protocols on a path no upgrade route serves. */
const UNMATCHED_UPGRADE = '(no upgrade route)'

/**
 * The path as Hono decodes it for routing (c.req.path of a non-strict app), so a pattern means
 * the same to both front ends. Without a percent-escape that is the path as sent, less one
 * trailing slash: the common case skips building a URL for Hono's decoder.
 */
function routingPath(url: string): string {
  let end = url.length
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 37 /* % */) return getPathNoStrict({ url: `http://h${url}` } as Request)
    if (c === 63 /* ? */ || c === 35 /* # */) {
      end = i
      break
    }
  }
  return end > 1 && url.charCodeAt(end - 1) === 47 /* / */ ? url.slice(0, end - 1) : url.slice(0, end)
}

function admissionOf(req: IncomingMessage, search: string): AdmissionRequest {
  return {
    header: (name) => headerOf(req, name),
    queryApikey: () => (search.includes('apikey') ? (new URLSearchParams(search).get('apikey') ?? undefined) : undefined),
    peer: () => req.socket.remoteAddress,
  }
}
