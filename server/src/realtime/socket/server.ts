/**
 * The WebSocket side of realtime: `ws`'s WebSocketServer without a server of its own
 * (`noServer`), handed sockets the Node front end already admitted (identity, per-IP limit), and
 * one shared sweep instead of per-socket timers: it pings idle sockets, closes those silent past
 * the heartbeat timeout, ends channels whose token expired, re-resolves identities now and then,
 * and cuts sockets whose close hangs. Memory per idle socket is the `ws` object and a small record.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { ApiError } from '../../errors/index.js'
import type { Identity } from '../../http/index.js'
import { SERIALIZER_VERSIONS, serializerFor, type Serializer } from '../protocol/serializer.js'
import { CLOSE_GOING_AWAY, CLOSE_NORMAL, Connection, type ConnectionContext } from './connection.js'

export interface SocketServerOptions extends ConnectionContext {
  /** How often the sweep runs. */
  sweepMs: number
}

export interface SocketServerStats {
  sockets: number
  channels: number
}

export interface SocketServer {
  /** The upgrade route's handler: refuses (throws an ApiError) or takes the socket. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, identity: Identity | undefined): void
  stats(): SocketServerStats
  /** Refuses new sockets and closes the open ones (1001), cutting those that do not close in time. */
  drain(timeoutMs?: number): Promise<void>
}

/** A hung close is cut after this long. */
const CLOSE_GRACE_MS = 5_000

export function createSocketServer(options: SocketServerOptions): SocketServer {
  const { limits, log } = options
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: limits.maxMessageBytes, perMessageDeflate: false })
  const connections = new Set<Connection>()
  let draining = false

  const sweep = setInterval(() => {
    const now = Date.now()
    for (const conn of connections) {
      if (conn.closingSince) {
        if (now - conn.closingSince > CLOSE_GRACE_MS) conn.ws.terminate()
        continue
      }
      const idle = now - conn.lastSeen
      if (idle > limits.heartbeatTimeoutMs) {
        log.debug({ idle }, 'realtime: heartbeat timeout')
        conn.disconnect(CLOSE_NORMAL, 'Heartbeat timeout')
        continue
      }
      if (idle > limits.heartbeatTimeoutMs / 2 && conn.pingedAt < conn.lastSeen) {
        conn.pingedAt = now
        conn.ws.ping()
      }
      conn.checkChannels(now)
    }
  }, options.sweepMs)
  sweep.unref()

  function accept(ws: WebSocket, serializer: Serializer, credentials: { apikey: string | undefined; authorization: string | undefined }, identity: Identity): void {
    const conn = new Connection(ws, serializer, credentials, identity, options)
    connections.add(conn)
    ws.on('message', (data, isBinary) => {
      try {
        conn.onFrame(toBuffer(data), isBinary)
      } catch (err) {
        log.error({ err }, 'realtime: frame handling failed')
        conn.disconnect(1011, 'Internal error')
      }
    })
    ws.on('pong', () => void (conn.lastSeen = Date.now()))
    // An oversized frame or a protocol violation: ws closes the socket itself (1009, 1002).
    ws.on('error', (err) => log.debug({ err: { message: err.message } }, 'realtime: socket error'))
    ws.on('close', () => {
      conn.releaseAll()
      connections.delete(conn)
    })
    log.debug({ vsn: serializer.vsn, role: identity.role }, 'realtime: socket open')
  }

  return {
    upgrade(req, socket, head, identity) {
      if (draining) throw new ApiError('SERVICE_UNAVAILABLE', { details: 'Realtime is shutting down' })
      if (!identity) throw new ApiError('API_KEY_MISSING')
      const url = new URL(req.url ?? '/', 'http://localhost')
      const vsn = url.searchParams.get('vsn')
      const serializer = serializerFor(vsn)
      if (!serializer) {
        throw new ApiError('INVALID_INPUT', { details: `Unsupported serializer version vsn=${JSON.stringify(vsn).slice(0, 40)}`, hint: `Use one of ${SERIALIZER_VERSIONS.join(', ')}` })
      }
      const header = (name: string) => {
        const v = req.headers[name]
        return Array.isArray(v) ? v[0] : v
      }
      const credentials = { apikey: header('apikey') ?? url.searchParams.get('apikey') ?? undefined, authorization: header('authorization') }
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, serializer, credentials, identity))
    },
    stats() {
      let channels = 0
      for (const conn of connections) channels += conn.channels.size
      return { sockets: connections.size, channels }
    },
    async drain(timeoutMs = CLOSE_GRACE_MS) {
      draining = true
      clearInterval(sweep)
      for (const conn of connections) conn.disconnect(CLOSE_GOING_AWAY, 'Server shutting down')
      const deadline = Date.now() + timeoutMs
      while (connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
      for (const conn of connections) conn.ws.terminate()
      connections.clear()
      wss.close()
    },
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}
