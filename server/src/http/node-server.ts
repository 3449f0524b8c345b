import { getRequestListener } from '@hono/node-server'
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { ApiError, renderError } from '../errors/index.js'

/** Serves a request and returns true, or returns false (without touching it) to pass it on. */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => boolean

/** Answers a request to switch protocols (node-front.ts: the upgrade routes, admitted by the pipeline). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

/**
 * The Node HTTP server: `front` (node-front.ts: the direct routes) first, then the Hono app
 * through its Node adapter for everything `front` passes on; `upgrade` answers requests to
 * switch protocols (WebSockets). A request Node itself refuses before any handler
 * sees it (request line and headers over 16 KiB, malformed HTTP) gets the shared JSON error body
 * too, instead of Node's bare status line.
 */
export function createNodeServer(fetch: (req: Request) => Response | Promise<Response>, front: FrontHandler, hostname?: string, upgrade?: UpgradeHandler): Server {
  const hono = getRequestListener(fetch, hostname === undefined ? {} : { hostname })
  const server = createServer((req, res) => {
    if (front(req, res)) return
    res.once('finish', () => drainUnread(req))
    void hono(req, res)
  })
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket))
  if (upgrade) server.on('upgrade', upgrade)
  return server
}

/**
 * A Hono route that answered before reading the whole body (a 401 or 404 to a POST, after a
 * middleware such as bodyLimit had started the adapter's web stream) leaves that stream paused
 * with nobody reading it; the adapter then waits 500 ms for the body's end and destroys the
 * socket, cutting whatever the client sent next on that keep-alive connection. The answer is
 * out, so the rest of the body is only to be discarded: let it flow.
 */
function drainUnread(req: IncomingMessage): void {
  if (req.readableEnded) return
  req.removeAllListeners('data')
  req.resume()
}

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // Only parse errors are answered; a reset or a timeout has nobody left to answer.
  if (!err.code?.startsWith('HPE_') || !socket.writable) return void socket.destroy()
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError('HEADERS_TOO_LARGE', { details: 'Node accepts at most 16 KiB of request line and headers', hint: 'Send long filters in a POST to an RPC function' })
      : new ApiError('MALFORMED_REQUEST', { details: err.code })
  const { status, headers, body } = renderError(e)
  endRaw(socket, status, Object.entries(headers), body)
}

/**
 * Answers on a bare socket (no ServerResponse: Node refused the request, or it asked to switch
 * protocols) and closes it.
 */
export function endRaw(socket: Duplex, status: number, headers: Iterable<readonly [string, string | number]>, body: string): void {
  let lines = ''
  for (const [name, value] of headers) lines += `${name}: ${value}\r\n`
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}
