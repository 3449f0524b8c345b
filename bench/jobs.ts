/**
 * Jobs benchmark: end-to-end no-op jobs/s through Floe next to bare BullMQ measured in the same
 * run, on the same Redis.
 *
 *   bare BullMQ     one process: 50 producers calling queue.add, a Worker at concurrency 200
 *   HTTP floors     (jobs-http-floor.ts) the same HTTP load against a bare node:http
 *                   server answering 202 with no work, and against one doing queue.add per
 *                   request with a Worker in the same process: what POST /jobs/v1 could at best
 *                   reach on this machine with this client
 *   POST /jobs/v1   a real `floe start` process, 50 HTTP connections, workers in the server
 *                   process; then again with the server at FLOE_WORKERS=false and the workers in
 *                   a `floe worker` process of their own
 *   SQL floor       (jobs-sql-floor.ts) the same SQL load inserting into a bare outbox table
 *                   (no function, no trigger), a bare relay (delete … returning, addBulk) and a
 *                   Worker in one process: what floe.enqueue → relay → worker could at best reach
 *   floe.enqueue    50 pg clients each committing `select floe.enqueue(...)`, one job per
 *                   transaction; and 50 clients committing 10 enqueues per transaction (an RPC
 *                   that writes several rows, each enqueuing). The outbox relay moves the rows to
 *                   BullMQ, the workers run them
 *   webhooks        deliveries/s of `webhook` jobs to a local HTTP receiver (concurrency 200)
 *
 * Load generators, each in a process of its own: HTTP through wrk (C) and SQL through pgbench (C)
 * when they are on PATH, so the client takes as little as it can of the two cores the server,
 * Redis and Postgres share; BENCH_LOAD=node (or either tool missing) uses autocannon and node-pg
 * clients in this process instead. The table says which ran.
 *
 * Each figure is jobs completed / time from the first enqueue to the last completion, with the
 * CPU time the serving processes (Floe's server and worker, or the floor's) spent per job: less
 * noisy than a rate on a shared machine, and the measure of what a change saves.
 *   cd bench && npx tsx jobs.ts   (BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_JOBS=20000)
 * BENCH_PATHS=floor,post,sqlfloor,sql1,sql10,webhooks,worker runs only those paths (bare BullMQ always
 * runs); BENCH_FLOE_NODE_ARGS are node flags for the Floe processes only (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof` to profile them, not the bench).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import autocannon from 'autocannon'
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
const PATHS = new Set((process.env.BENCH_PATHS ?? 'floor,post,sqlfloor,sql1,sql10,webhooks,worker').split(','))
/** The Floe CLI to run: another checkout's `server/bin/floe.mjs` measures its code (before/after). */
const FLOE_BIN = process.env.BENCH_FLOE_BIN ?? here('../server/bin/floe.mjs')

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(`${dir}/${tool}`))
}
const WRK = process.env.BENCH_LOAD !== 'node' && onPath('wrk')
const PGBENCH = process.env.BENCH_LOAD !== 'node' && onPath('pgbench')

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

async function bare(): Promise<{ rate: number; machineCpuPerJob: number | undefined }> {
  const prefix = `bench-${randomBytes(4).toString('hex')}`
  const queue = new Queue('noop', { connection: conn(), prefix })
  const worker = new Worker('noop', async () => null, { connection: conn(), prefix, concurrency: 200, removeOnComplete: { age: 3600 } })
  const machineBefore = machineCpuSeconds()
  const started = performance.now()
  await parallel(CLIENTS, N, async () => void (await queue.add('noop', {}, { removeOnComplete: { age: 3600 } })))
  await waitCompleted(queue, N)
  const rate = N / ((performance.now() - started) / 1000)
  const machineCpuPerJob = perJob(machineBefore, machineCpuSeconds(), N)
  await worker.close()
  await queue.obliterate({ force: true })
  await queue.close()
  return { rate, machineCpuPerJob }
}

function startFloe(env: Record<string, string>, command: 'start' | 'worker' = 'start'): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const nodeArgs = process.env.BENCH_FLOE_NODE_ARGS?.split(' ').filter(Boolean) ?? []
    const proc = spawn(process.execPath, [...nodeArgs, FLOE_BIN, command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const on = (d: Buffer) => {
      out += d.toString()
      const m = /API:\s+(http:\/\/\S+)/.exec(out)
      if (m) resolve({ proc, url: m[1]! })
      else if (command === 'worker' && out.includes('floe worker running')) resolve({ proc, url: '' })
    }
    proc.stdout!.on('data', on)
    proc.stderr!.on('data', on)
    proc.on('exit', (code) => reject(new Error(`floe exited ${code}: ${out}`)))
  })
}

/** A floor server of jobs-http-floor.ts, in a process of its own like the Floe server. */
async function startFloor(mode: 'http' | 'bullmq', prefix: string): Promise<{ proc: ChildProcess; url: string }> {
  const { proc, match } = await startScript('jobs-http-floor.ts', [mode, redisUrl, prefix], /listening (\d+)/)
  return { proc, url: `http://127.0.0.1:${match[1]}` }
}

/** One of this folder's scripts (a floor), a process of its own; resolves once it prints what `ready` matches. */
function startScript(script: string, args: string[], ready: RegExp): Promise<{ proc: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', here(script), ...args], { cwd: here('.'), stdio: ['ignore', 'pipe', 'inherit'] })
    proc.stdout!.on('data', (d: Buffer) => {
      const match = ready.exec(d.toString())
      if (match) resolve({ proc, match })
    })
    proc.on('exit', (code) => reject(new Error(`${script} exited ${code}`)))
  })
}

/** A scratch folder for the load generators' scripts. */
const scratch = mkdtempSync(join(tmpdir(), 'floe-bench-'))

/** Runs a load generator to its end; throws with its output unless it exits 0. */
function runTool(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    proc.on('error', reject)
    proc.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${out}`))))
  })
}

/**
 * Enqueues N jobs with 50 HTTP connections; throws unless every answer is 202. Returns when the
 * last answer arrived (performance.now()).
 *
 * wrk: 2 threads of 25 connections, each stopping once it has N/2 answers and saying so on
 * stdout (the requests still in flight then, at most 50, are answered and run too: they only add
 * work). wrk itself runs to its -d duration whatever its threads do, so it is sent SIGINT (which
 * makes it print its summary) once both have said so.
 * autocannon (BENCH_LOAD=node, or no wrk): its promise settles only at its next 1-second tick
 * after the last response, which added up to a second of idle time to every figure; the last
 * answer is timed from its response events instead.
 */
async function postJobs(url: string, queue: string): Promise<number> {
  if (WRK) {
    const script = join(scratch, 'post.lua')
    writeFileSync(script, `
wrk.method = "POST"
wrk.body = '{"payload":{}}'
wrk.headers["content-type"] = "application/json"
wrk.headers["apikey"] = "${SERVICE}"
local target = ${Math.ceil(N / 2)}
answered = 0
bad = 0
function response(status, headers, body)
  answered = answered + 1
  if status ~= 202 then bad = bad + 1 end
  if answered == target then
    io.write("THREAD DONE\\n")
    io.flush()
    wrk.thread:stop()
  end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("BAD %d ERRORS %d\\n", b, e.connect + e.read + e.write + e.status + e.timeout))
end
`)
    let at = 0
    const out = await new Promise<string>((resolve, reject) => {
      const proc = spawn('wrk', ['-t', '2', '-c', String(CLIENTS), '-d', '300s', '--timeout', '10s', '-s', script, `${url}/jobs/v1/${queue}`], { stdio: ['ignore', 'pipe', 'pipe'] })
      let text = ''
      const on = (d: Buffer) => {
        text += d.toString()
        if (!at && text.split('THREAD DONE').length - 1 === 2) {
          at = performance.now()
          proc.kill('SIGINT')
        }
      }
      proc.stdout!.on('data', on)
      proc.stderr!.on('data', on)
      proc.on('error', reject)
      proc.on('exit', () => resolve(text))
    })
    const m = /BAD (\d+) ERRORS (\d+)/.exec(out)
    if (!at || !m || m[1] !== '0' || m[2] !== '0') throw new Error(`enqueue through wrk: ${out}`)
    return at
  }
  let answered = 0
  let lastAt = 0
  const run = autocannon({
    url: `${url}/jobs/v1/${queue}`,
    method: 'POST',
    connections: CLIENTS,
    amount: N,
    headers: { apikey: SERVICE, 'content-type': 'application/json' },
    body: '{"payload":{}}',
  })
  run.on('response', () => {
    if (++answered === N) lastAt = performance.now()
  })
  const r = await run
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) throw new Error(`enqueue: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`)
  return lastAt || performance.now()
}

/**
 * Commits `transactions` transactions of `statement` from 50 connections: pgbench (2 threads),
 * or node-pg clients in this process (BENCH_LOAD=node, or no pgbench). Throws unless all commit.
 */
async function sqlLoad(dbUrl: string, pool: pg.Pool, statement: string, transactions: number): Promise<void> {
  if (PGBENCH) {
    const script = join(scratch, 'enqueue.sql')
    writeFileSync(script, `${statement};\n`)
    const out = await runTool('pgbench', ['-n', '-c', String(CLIENTS), '-j', '2', '-t', String(Math.ceil(transactions / CLIENTS)), '-f', script, dbUrl])
    if (!/number of failed transactions: 0 /.test(out)) throw new Error(`pgbench: ${out}`)
    return
  }
  await parallel(CLIENTS, transactions, async () => void (await pool.query(statement)))
}

interface Phase {
  what: string
  jobs: number
  /** Enqueue phase alone, jobs/s. */
  enqueued: number
  rate: number
  /** CPU time of the serving processes (Floe's, or the floor's) per job, µs; undefined off Linux. */
  cpuPerJob?: number | undefined
  /** CPU time of the Postgres cluster per job, µs (Postgres on this machine). */
  pgCpuPerJob?: number | undefined
  /** Busy CPU time of the whole machine per job, µs: every process (load generator, server,
   *  Redis, Postgres, this bench) and the kernel. */
  machineCpuPerJob?: number | undefined
}

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat; undefined off Linux. */
function machineCpuSeconds(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    return (user! + nice! + system! + irq! + softirq! + steal!) / 100 // USER_HZ is 100 on Linux
  } catch {
    return undefined
  }
}
const perJob = (before: number | undefined, after: number | undefined, jobs: number) => (before !== undefined && after !== undefined ? ((after - before) / jobs) * 1e6 : undefined)

/** The Floe and floor processes of the current step (their CPU is what `phase` reports). */
const procs: ChildProcess[] = []

/** user + system CPU seconds of a process so far, from /proc (Linux); undefined elsewhere. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  const f = procStat(pid)
  return f && (Number(f[11]) + Number(f[12])) / 100 // utime, stime; USER_HZ is 100 on Linux
}

/** The fields of /proc/<pid>/stat after the command name (so f[1] is the parent's pid); undefined
 *  for a process that is gone, or off Linux. */
function procStat(pid: number | string | undefined): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

function serverCpuSeconds(): number | undefined {
  let total = 0
  for (const p of procs) {
    const s = cpuSecondsOf(p.pid)
    if (s === undefined) return undefined
    total += s
  }
  return total
}

/**
 * The whole Postgres cluster's CPU seconds so far, when it runs on this machine: the postmaster
 * and its live children (backends, WAL writer, checkpointer...) from /proc, plus the children it
 * has already reaped (its cutime/cstime). Short-lived backends, such as pgbench's, count too.
 */
let postmaster: number | undefined
function pgClusterCpuSeconds(): number | undefined {
  const f = procStat(postmaster)
  if (!f) return undefined
  let total = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100 // utime stime cutime cstime
  for (const pid of readdirSync('/proc')) {
    // A child gone meanwhile has no stat left: its time is in the postmaster's cutime by now.
    if (/^\d+$/.test(pid) && Number(procStat(pid)?.[1]) === postmaster) total += cpuSecondsOf(Number(pid)) ?? 0
  }
  return total
}

/**
 * Runs `enqueue` while watching `queue` for `jobs` completions; both rates from the same start.
 * `enqueue` may return when its last job was accepted (performance.now()), if it learns that
 * earlier than its own promise settles.
 */
async function phase(what: string, queue: InstanceType<typeof Queue>, jobs: number, enqueue: () => Promise<number | void>): Promise<Phase> {
  const startedAt = Date.now() / 1000
  const pgBefore = pgClusterCpuSeconds()
  const cpuBefore = serverCpuSeconds()
  const machineBefore = machineCpuSeconds()
  const started = performance.now()
  const completed = waitCompleted(queue, jobs).then(() => performance.now())
  const enqueuedAt = (await enqueue()) ?? performance.now()
  const doneAt = Math.max(await completed, enqueuedAt)
  const machineAfter = machineCpuSeconds()
  const cpuAfter = serverCpuSeconds()
  const pgAfter = pgClusterCpuSeconds()
  const enqueued = jobs / ((enqueuedAt - started) / 1000)
  const p = {
    what, jobs, enqueued, rate: jobs / ((doneAt - started) / 1000),
    cpuPerJob: perJob(cpuBefore, cpuAfter, jobs), pgCpuPerJob: perJob(pgBefore, pgAfter, jobs), machineCpuPerJob: perJob(machineBefore, machineAfter, jobs),
  }
  // Epoch seconds of the phase, to line it up with per-process CPU samples.
  console.error(`${what}: ${Math.round(p.rate)} jobs/s (enqueue phase ${Math.round(enqueued)}/s) [${startedAt.toFixed(1)}-${(Date.now() / 1000).toFixed(1)}]`)
  return p
}

async function main() {
  const name = `floe_bench_jobs_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const u = new URL(adminUrl)
  u.pathname = '/' + name
  const dbUrl = u.toString()
  // Postgres's CPU only when Postgres is this machine's (its processes are ours to read).
  if (['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
    const { rows } = await admin.query<{ pid: number }>('select pg_backend_pid() as pid')
    const status = readFileSync(`/proc/${rows[0]!.pid}/status`, 'utf8')
    postmaster = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1])
  }
  const prefix = `bench-floe-${randomBytes(4).toString('hex')}:`
  const receiver = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200).end())
  })
  const env = {
    DATABASE_URL: dbUrl, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn',
    FLOE_SERVICE_KEY: SERVICE, FLOE_FUNCTIONS_DIR: here('functions'), RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0',
    DATABASE_POOL_MAX: '20',
  }
  const stop = async () => {
    for (const p of procs.splice(0)) {
      const exited = new Promise((r) => p.once('exit', r))
      p.kill('SIGTERM')
      await exited
    }
  }
  try {
    const { rate: bareRate, machineCpuPerJob: bareMachine } = await bare()
    console.error(`bare BullMQ: ${Math.round(bareRate)} jobs/s`)
    const phases: Phase[] = []
    if (PATHS.has('floor')) {
      const http = await startFloor('http', `${prefix}floor`)
      procs.push(http.proc)
      const cpuBefore = serverCpuSeconds()
      const machineBefore = machineCpuSeconds()
      const started = performance.now()
      const rate = N / (((await postJobs(http.url, 'noop')) - started) / 1000)
      const machineAfter = machineCpuSeconds()
      const cpuPerJob = perJob(cpuBefore, serverCpuSeconds(), N)
      console.error(`HTTP floor: ${Math.round(rate)} requests/s`)
      phases.push({ what: 'HTTP floor: bare node:http answering 202, no work (requests/s, not jobs)', jobs: N, enqueued: rate, rate, cpuPerJob, machineCpuPerJob: perJob(machineBefore, machineAfter, N) })
      await stop()
      const fq = new Queue('noop', { connection: conn(), prefix: `${prefix}floor` })
      const withBull = await startFloor('bullmq', `${prefix}floor`)
      procs.push(withBull.proc)
      phases.push(await phase('bare BullMQ behind bare node:http (queue.add per request → Worker, one process)', fq, N, () => postJobs(withBull.url, 'noop')))
      await stop()
      await fq.close()
    }
    if (PATHS.has('sqlfloor')) {
      const sql = new pg.Pool({ connectionString: dbUrl, max: CLIENTS })
      const fq = new Queue('noop', { connection: conn(), prefix: `${prefix}sqlfloor` })
      procs.push((await startScript('jobs-sql-floor.ts', [redisUrl, `${prefix}sqlfloor`, dbUrl], /ready/)).proc)
      phases.push(await phase('SQL floor: insert into a bare outbox table → bare relay → Worker (one process)', fq, N, () => sqlLoad(dbUrl, sql, `insert into bench_floor_outbox (payload) values ('{}')`, N)))
      await stop()
      await fq.close()
      await sql.end()
    }
    const bprefix = `${prefix}bull`
    const queues = ['noop', 'noop2', 'noop3', 'noop4', 'noop5']
    const q = Object.fromEntries(queues.map((n) => [n, new Queue(n, { connection: conn(), prefix: bprefix })]))
    const qw = new Queue('webhook', { connection: conn(), prefix: bprefix })

    // 1. Workers in the server process (the default).
    let floe = await startFloe({ ...env, PORT: String(await freePort()) })
    procs.push(floe.proc)
    const sql = new pg.Pool({ connectionString: dbUrl, max: CLIENTS })
    await sql.query(`insert into floe.queues (name, handler, concurrency, attempts) select n, 'noop', 200, 1 from unnest($1::text[]) n`, [queues])
    await sql.query(`update floe.queues set concurrency = 200 where name = 'webhook'`)
    await sleep(1500) // workers pick the declarations up
    if (PATHS.has('post')) phases.push(await phase('POST /jobs/v1 (50 HTTP connections) → worker in the server process', q.noop!, N, () => postJobs(floe.url, 'noop')))
    if (PATHS.has('sql1')) phases.push(
      await phase('floe.enqueue, 1 job per commit (50 pg clients) → relay → worker in the server process', q.noop2!, N, () =>
        sqlLoad(dbUrl, sql, `select floe.enqueue('noop2', '{}'::jsonb)`, N),
      ),
    )
    const PER_TX = 10
    if (PATHS.has('sql10')) phases.push(
      await phase(`floe.enqueue, ${PER_TX} jobs per commit (50 pg clients) → relay → worker in the server process`, q.noop3!, N, () =>
        sqlLoad(dbUrl, sql, `select floe.enqueue('noop3', jsonb_build_object('i', g)) from generate_series(1, ${PER_TX}) g`, N / PER_TX),
      ),
    )
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    const W = Math.min(N, 5000)
    if (PATHS.has('webhooks')) phases.push(
      await phase(`webhook deliveries to a local receiver (${W} in one statement, concurrency 200)`, qw, W, async () => {
        await sql.query(`select floe.enqueue('webhook', jsonb_build_object('url', $1::text, 'body', jsonb_build_object('n', g))) from generate_series(1, $2::int) g`, [target, W])
      }),
    )
    await stop()

    // 2. The server without workers (FLOE_WORKERS=false) and one `floe worker` process.
    if (PATHS.has('worker')) {
      floe = await startFloe({ ...env, PORT: String(await freePort()), FLOE_WORKERS: 'false' })
      procs.push(floe.proc)
      procs.push((await startFloe(env, 'worker')).proc)
      await sleep(1500)
      phases.push(await phase('POST /jobs/v1 (50 HTTP connections) → `floe worker` process', q.noop4!, N, () => postJobs(floe.url, 'noop4')))
      phases.push(
        await phase('floe.enqueue, 1 job per commit (50 pg clients) → relay → `floe worker` process', q.noop5!, N, () =>
          sqlLoad(dbUrl, sql, `select floe.enqueue('noop5', '{}'::jsonb)`, N),
        ),
      )
      await stop()
    }

    const pct = (rate: number) => `${Math.round((rate / bareRate) * 100)}%`
    console.log(`\n${N} no-op jobs per path, ${CLIENTS} producers, worker concurrency 200; HTTP load: ${WRK ? 'wrk' : 'autocannon (in the bench process)'}; SQL load: ${PGBENCH ? 'pgbench' : 'node-pg (in the bench process)'}\n`)
    const us = (v: number | undefined) => (v === undefined ? '' : String(Math.round(v)))
    // At a path's CPU cost per job, all cores busy would give at most this many jobs/s.
    const cores = availableParallelism()
    const ceiling = (v: number | undefined) => (v === undefined ? '' : String(Math.round((cores * 1e6) / v)))
    console.log(`| path | jobs/s end to end | vs bare BullMQ | enqueue phase alone, jobs/s | server CPU per job, µs | Postgres CPU per job (whole cluster), µs | machine CPU per job, µs | ${cores} cores at that cost, jobs/s |\n| --- | --- | --- | --- | --- | --- | --- | --- |`)
    console.log(`| bare BullMQ (queue.add → Worker, one process) | ${Math.round(bareRate)} | 100% | | | | ${us(bareMachine)} | ${ceiling(bareMachine)} |`)
    for (const p of phases) console.log(`| ${p.what} | ${Math.round(p.rate)} | ${pct(p.rate)} | ${Math.round(p.enqueued)} | ${us(p.cpuPerJob)} | ${us(p.pgCpuPerJob)} | ${us(p.machineCpuPerJob)} | ${ceiling(p.machineCpuPerJob)} |`)
    for (const queue of [...Object.values(q), qw]) await queue.close()
    await sql.end()
  } finally {
    await stop()
    // Everything this run wrote (its queues, and the `email` queue the servers' workers opened).
    const redis = conn()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
    redis.disconnect()
    receiver.close()
    rmSync(scratch, { recursive: true, force: true })
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
  process.exit(0)
}

await main()
