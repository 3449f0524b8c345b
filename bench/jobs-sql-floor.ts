/**
 * The floor under `floe.enqueue` → relay → worker that bench/jobs.ts measures next to it: a bare
 * transactional outbox with BullMQ, in a process of its own, driven by the same SQL load as Floe.
 *
 *   table    `bench_floor_outbox (id bigserial primary key, payload jsonb)`: no function, no
 *            trigger, no role check, no options, no NOTIFY; producers `insert` into it directly
 *   relay    one loop per lane (3, as Floe's): in a transaction, `delete … using (select … order by
 *            id limit 1000 for update skip locked) returning`, `queue.addBulk` (job id `o-<id>`),
 *            commit; polls every 10 ms when it finds nothing (Floe's busy relay does the same)
 *   worker   a BullMQ Worker at concurrency 200 running a no-op, on auto-pipelined connections
 *
 * What Floe's path adds to this: the `floe.enqueue` function (queue lookup, role check, options),
 * the NOTIFY gate trigger, queue declarations and per-queue options, handler lookup, payload
 * validation, timeouts and logging around each job.
 *
 *   tsx jobs-sql-floor.ts <redisUrl> <prefix> <databaseUrl>   → prints "ready"
 */
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pg from 'pg'

const [redisUrl, prefix, databaseUrl] = process.argv.slice(2)
const serverRequire = createRequire(fileURLToPath(new URL('../server/package.json', import.meta.url)))
const { Queue, Worker } = (await import(pathToFileURL(serverRequire.resolve('bullmq')).href)) as typeof import('bullmq')
const { Redis } = (await import(pathToFileURL(serverRequire.resolve('ioredis')).href)) as typeof import('ioredis')

const BATCH = 1000
const LANES = 3
const pool = new pg.Pool({ connectionString: databaseUrl, max: LANES })
await pool.query('create table if not exists bench_floor_outbox (id bigserial primary key, payload jsonb not null)')
const queue = new Queue('noop', { connection: new Redis(redisUrl!, { maxRetriesPerRequest: 1, enableAutoPipelining: true }), prefix })
new Worker('noop', async () => null, {
  connection: new Redis(redisUrl!, { maxRetriesPerRequest: null, enableAutoPipelining: true, autoPipeliningIgnoredCommands: ['bzpopmin'] }),
  prefix,
  concurrency: 200,
})

let closed = false
async function lane(): Promise<void> {
  while (!closed) {
    const client = await pool.connect()
    let n = 0
    try {
      await client.query('begin')
      const { rows } = await client.query<{ id: string; payload: unknown }>(
        `delete from bench_floor_outbox o using (select id from bench_floor_outbox order by id limit $1 for update skip locked) c
         where o.id = c.id returning o.id::text, o.payload`,
        [BATCH],
      )
      n = rows.length
      if (n > 0) await queue.addBulk(rows.map((r) => ({ name: 'noop', data: { payload: r.payload }, opts: { jobId: `o-${r.id}`, removeOnComplete: { age: 3600 } } })))
      await client.query('commit')
    } catch (err) {
      await client.query('rollback').catch(() => undefined)
      console.error(err)
    } finally {
      client.release()
    }
    if (n < BATCH) await new Promise((r) => setTimeout(r, 10))
  }
}
for (let i = 0; i < LANES; i++) void lane()
console.log('ready')
process.on('SIGTERM', () => {
  closed = true
  void pool.query('drop table if exists bench_floor_outbox').finally(() => process.exit(0))
})
