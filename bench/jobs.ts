/**
 * Jobs benchmark: end-to-end no-op jobs/s through Floe next to bare BullMQ measured in the same
 * run, on the same Redis.
 *
 *   bare BullMQ     one process: 50 producers calling queue.add, a Worker at concurrency 200
 *   POST /jobs/v1   a real `floe start` process (workers in-process), 50 HTTP clients
 *   floe.enqueue    50 pg clients each committing `select floe.enqueue(...)`; the outbox relay
 *                   moves rows to BullMQ, the server's workers run them
 *   webhooks        deliveries/s of `webhook` jobs to a local HTTP receiver (concurrency 200)
 *
 * Each figure is jobs completed / time from the first enqueue to the last completion.
 *   cd bench && npx tsx jobs.ts   (BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_JOBS=20000)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pg from 'pg'

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const N = Number(process.env.BENCH_JOBS ?? 20_000)
const CLIENTS = 50
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
// bullmq is the server's dependency; load the very same copy the server runs.
const bullmqPath = createRequire(here('../server/package.json')).resolve('bullmq')
const { Queue, Worker } = (await import(pathToFileURL(bullmqPath).href)) as typeof import('bullmq')
const { Redis } = (await import(pathToFileURL(createRequire(here('../server/package.json')).resolve('ioredis')).href)) as typeof import('ioredis')
const SERVICE = 'bench-service-key-0123456789abcdef0123456'

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const conn = () => new Redis(redisUrl, { maxRetriesPerRequest: null })

async function parallel(clients: number, total: number, fn: (i: number) => Promise<void>) {
  let next = 0
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < total) await fn(next++)
  }))
}

/** Polls BullMQ's completed count until it reaches `target`. */
async function waitCompleted(queue: InstanceType<typeof Queue>, target: number, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const c = await queue.getJobCounts('completed', 'failed')
    if ((c.completed ?? 0) + (c.failed ?? 0) >= target) return
    if (Date.now() > deadline) throw new Error(`only ${c.completed} of ${target} completed`)
    await sleep(20)
  }
}

async function bare(): Promise<number> {
  const prefix = `bench-${randomBytes(4).toString('hex')}`
  const queue = new Queue('noop', { connection: conn(), prefix })
  const worker = new Worker('noop', async () => null, { connection: conn(), prefix, concurrency: 200, removeOnComplete: { age: 3600 } })
  const started = performance.now()
  await parallel(CLIENTS, N, async () => void (await queue.add('noop', {}, { removeOnComplete: { age: 3600 } })))
  await waitCompleted(queue, N)
  const rate = N / ((performance.now() - started) / 1000)
  await worker.close()
  await queue.obliterate({ force: true })
  await queue.close()
  return rate
}

function startFloe(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [here('../server/bin/floe.mjs'), 'start'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const on = (d: Buffer) => {
      out += d.toString()
      const m = /API:\s+(http:\/\/\S+)/.exec(out)
      if (m) resolve({ proc, url: m[1]! })
    }
    proc.stdout!.on('data', on)
    proc.stderr!.on('data', on)
    proc.on('exit', (code) => reject(new Error(`floe exited ${code}: ${out}`)))
  })
}

async function main() {
  const name = `floe_bench_jobs_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const u = new URL(adminUrl)
  u.pathname = '/' + name
  const dbUrl = u.toString()
  const prefix = `bench-floe-${randomBytes(4).toString('hex')}:`
  let floe: { proc: ChildProcess; url: string } | undefined
  const receiver = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200).end())
  })
  try {
    const bareRate = await bare()
    floe = await startFloe({
      DATABASE_URL: dbUrl, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, PORT: String(await freePort()), LOG_LEVEL: 'warn',
      FLOE_SERVICE_KEY: SERVICE, FLOE_FUNCTIONS_DIR: here('functions'), RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0',
      DATABASE_POOL_MAX: '20',
    })
    const sql = new pg.Pool({ connectionString: dbUrl, max: CLIENTS })
    await sql.query(`insert into floe.queues (name, handler, concurrency, attempts) values ('noop', 'noop', 200, 1), ('noop2', 'noop', 200, 1)`)
    await sql.query(`update floe.queues set concurrency = 200 where name = 'webhook'`)
    await sleep(1500) // workers pick the declarations up
    const bprefix = `${prefix}bull`
    const q1 = new Queue('noop', { connection: conn(), prefix: bprefix })
    const q2 = new Queue('noop2', { connection: conn(), prefix: bprefix })
    const qw = new Queue('webhook', { connection: conn(), prefix: bprefix })

    let started = performance.now()
    const headers = { apikey: SERVICE, 'content-type': 'application/json' }
    await parallel(CLIENTS, N, async () => {
      const res = await fetch(`${floe!.url}/jobs/v1/noop`, { method: 'POST', headers, body: '{"payload":{}}' })
      if (res.status !== 202) throw new Error(`enqueue answered ${res.status}: ${await res.text()}`)
    })
    const httpEnqueued = performance.now() - started
    await waitCompleted(q1, N)
    const httpRate = N / ((performance.now() - started) / 1000)

    started = performance.now()
    await parallel(CLIENTS, N, async () => void (await sql.query(`select floe.enqueue('noop2', '{}'::jsonb)`)))
    const sqlEnqueued = performance.now() - started
    await waitCompleted(q2, N)
    const sqlRate = N / ((performance.now() - started) / 1000)

    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    const W = Math.min(N, 5000)
    started = performance.now()
    await sql.query(`select floe.enqueue('webhook', jsonb_build_object('url', $1::text, 'body', jsonb_build_object('n', g))) from generate_series(1, $2::int) g`, [target, W])
    await waitCompleted(qw, W)
    const hookRate = W / ((performance.now() - started) / 1000)

    console.log(`enqueue phase only: HTTP ${Math.round(N / (httpEnqueued / 1000))}/s, floe.enqueue commits ${Math.round(N / (sqlEnqueued / 1000))}/s`)
    const row = (what: string, rate: number) => `| ${what} | ${Math.round(rate)} | ${Math.round((rate / bareRate) * 100)}% |`
    console.log(`\n${N} no-op jobs per path, ${CLIENTS} producers, worker concurrency 200\n`)
    console.log('| path | jobs/s | vs bare BullMQ |\n| --- | --- | --- |')
    console.log(row('bare BullMQ (queue.add → Worker, one process)', bareRate))
    console.log(row('POST /jobs/v1 (50 HTTP clients) → Floe worker', httpRate))
    console.log(row('floe.enqueue (50 pg clients, one commit each) → outbox relay → Floe worker', sqlRate))
    console.log(row(`webhook deliveries to a local receiver (${W}, concurrency 200)`, hookRate))
    for (const q of [q1, q2, qw]) {
      await q.obliterate({ force: true }).catch(() => undefined)
      await q.close()
    }
    await sql.end()
  } finally {
    floe?.proc.kill('SIGTERM')
    await sleep(1500)
    receiver.close()
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
  process.exit(0)
}

await main()
