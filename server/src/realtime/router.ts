/**
 * Realtime's routes under /realtime/v1: the WebSocket (`GET /websocket`, an upgrade route the
 * Node front end admits before handing over the socket) and the server-side broadcast API.
 */
import { createRouter, type ModuleRoutes } from '../http/index.js'
import { registerBroadcastApi } from './routes/broadcast-api.js'
import type { Realtime } from './socket/create-realtime.js'

export function realtimeRouter(realtime: Realtime): ModuleRoutes {
  const router = createRouter()
  if (realtime.broadcastApi) registerBroadcastApi(router, realtime.broadcastApi)
  return {
    router,
    upgrades: [{ path: '/websocket', policy: { untimed: true }, upgrade: (req, socket, head, identity) => realtime.sockets.upgrade(req, socket, head, identity) }],
  }
}
