/**
 * The ceiling for the data API benchmark: a bare `node:http` + `pg` server answering the same
 * three operations with the same shape of SQL (Postgres builds the JSON), no framework, no
 * transaction, no role switch, no RLS. Run as its own process by rest.ts.
 *
 * By default its queries are plain `pool.query(text, values)` (unnamed statements, parsed and
 * planned every time: what most hand-written servers do). PREPARED=1 names them, so each
 * connection prepares them once, as Floe does for its cached reads: a stricter ceiling.
 *
 *   DATABASE_URL=... PORT=... [PREPARED=1] tsx baseline-server.ts
 */
import http from 'node:http'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) })
const port = Number(process.env.PORT ?? 8788)

const BY_ID = `select coalesce(json_agg(t), '[]')::text as body from (select id, title, body, owner_id, is_public, author_id, created_at from items where id = $1) t`
const LIST = `select coalesce(json_agg(t), '[]')::text as body from (
  select i.id, i.title, i.created_at, (select row_to_json(a) from (select a.id, a.name from authors a where a.id = i.author_id) a) as author
  from items i where i.author_id = $1 and i.is_public order by i.id desc limit 20) t`
const INSERT = `with ins as (insert into items (title, body, is_public, author_id)
  select title, body, is_public, author_id from json_populate_recordset(null::items, $1::json) returning id, title)
  select coalesce(json_agg(ins), '[]')::text as body from ins`

const prepared = process.env.PREPARED === '1'
const query = (name: string, text: string, values: unknown[]) =>
  pool.query<{ body: string }>(prepared ? { name, text, values } : { text, values })

function send(res: http.ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x')
  const run = async () => {
    if (req.method === 'GET' && url.pathname === '/items') {
      const id = url.searchParams.get('id')?.replace(/^eq\./, '')
      if (id) return send(res, 200, (await query('by_id', BY_ID, [id])).rows[0]!.body)
      const author = url.searchParams.get('author_id')?.replace(/^eq\./, '')
      return send(res, 200, (await query('list', LIST, [author])).rows[0]!.body)
    }
    if (req.method === 'POST' && url.pathname === '/items') {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const raw = Buffer.concat(chunks).toString()
      const body = raw.startsWith('[') ? raw : `[${raw}]`
      return send(res, 201, (await query('insert', INSERT, [body])).rows[0]!.body)
    }
    send(res, 404, '{"message":"not found"}')
  }
  run().catch((err: Error) => send(res, 500, JSON.stringify({ message: err.message })))
})
server.listen(port, '127.0.0.1', () => process.stdout.write(`baseline listening on ${port}\n`))
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))))
