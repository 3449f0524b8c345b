/**
 * The floor for the realtime benchmark: a bare `node:http` + `ws` + `pg` LISTEN server, no
 * framework, no auth check, no rules, no change log. A trigger on `feed_bare` NOTIFYs each new row
 * as JSON; this process parses it once and sends it to the sockets of the row's owner (a Map in
 * memory), in the same Phoenix JSON frames (serializer 1.0.0) Floe sends, so the subscribers in
 * realtime.ts measure both alike. Run as its own process by realtime.ts.
 *
 *   DATABASE_URL=... PORT=... tsx realtime-baseline-server.ts
 */
import http from 'node:http'
import pg from 'pg'
import { WebSocketServer, type WebSocket } from 'ws'

const port = Number(process.env.PORT ?? 8794)
const byOwner = new Map<string, Set<{ ws: WebSocket; topic: string }>>()

/** The JWT's `sub`, read without verifying it: the floor does no auth work. */
function subOf(token: unknown): string | undefined {
  if (typeof token !== 'string') return undefined
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: string }).sub
  } catch {
    return undefined
  }
}

const server = http.createServer((_req, res) => res.writeHead(404).end())
const wss = new WebSocketServer({ server })
wss.on('connection', (ws) => {
  const mine: { owner: string; entry: { ws: WebSocket; topic: string } }[] = []
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { topic: string; event: string; payload: { access_token?: string }; ref: string; join_ref?: string }
    if (m.event === 'phx_join') {
      const owner = subOf(m.payload.access_token)
      if (owner) {
        const entry = { ws, topic: m.topic }
        let set = byOwner.get(owner)
        if (!set) byOwner.set(owner, (set = new Set()))
        set.add(entry)
        mine.push({ owner, entry })
      }
      ws.send(JSON.stringify({ topic: m.topic, event: 'phx_reply', ref: m.ref, join_ref: m.join_ref, payload: { status: 'ok', response: { postgres_changes: [{ id: 1 }] } } }))
    } else if (m.event === 'heartbeat') {
      ws.send(JSON.stringify({ topic: 'phoenix', event: 'phx_reply', ref: m.ref, payload: { status: 'ok', response: {} } }))
    }
  })
  ws.on('close', () => {
    for (const { owner, entry } of mine) byOwner.get(owner)?.delete(entry)
  })
})

const listener = new pg.Client({ connectionString: process.env.DATABASE_URL })
await listener.connect()
listener.on('notification', (n) => {
  const row = JSON.parse(n.payload ?? '{}') as { owner_id: string }
  const subs = byOwner.get(row.owner_id)
  if (!subs) return
  const data = { schema: 'public', table: 'feed_bare', commit_timestamp: new Date().toISOString(), type: 'INSERT', columns: [], record: row, errors: null }
  for (const { ws, topic } of subs) ws.send(JSON.stringify({ topic, event: 'postgres_changes', ref: null, payload: { ids: [1], data } }))
})
await listener.query('listen bench_feed')
server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`))
