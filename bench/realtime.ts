/**
 * Realtime benchmark: postgres_changes fanned out by Floe (`/realtime/v1`, rules checked in
 * Postgres) next to a bare `ws` + LISTEN server (realtime-baseline-server.ts: no auth, no rules,
 * no change log) measured in the same run, each a separate process on the same database; the
 * subscribers and the writer run here, in a third process.
 *
 *   pnpm --filter @floe/bench bench:realtime
 *   (BENCH_DATABASE_URL, BENCH_SUBSCRIBERS=1000, BENCH_RATE=100 changes/s, BENCH_SECONDS=20 per run,
 *    BENCH_ROUNDS=1, BENCH_INSERT_SECONDS=3, BENCH_INSERT_ROUNDS=11, BENCH_CONNECTIONS=50,
 *    BENCH_PARTS=fanout,insert to run only one of the two parts)
 *
 * Two fan-out scenarios, each with bare and Floe in turn:
 *   - owner-only: BENCH_SUBSCRIBERS sockets, one per distinct user, under the rule
 *     `owner_id = auth.uid()`; each change is for one user, so it reaches one socket;
 *   - 10 groups: the same number of sockets shared by 10 users (10 claims groups); each change
 *     reaches a tenth of the sockets.
 * Reported per run: deliveries expected and received, deliveries/s, latency from the INSERT's
 * call to the message's arrival (p50, p99), the server's CPU per delivery, its RSS with the
 * sockets open. Then insert throughput through `/rest/v1` on a realtime table against the same
 * table with realtime off (autocannon, alternating rounds).
 */
import type { ChildProcess } from 'node:child_process'
import { createHmac, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import WebSocket from 'ws'
import { autocannon, cpuTicks, here, medianRun, pairedRatio, start, withDb, type Load } from './harness.js'

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000)
const RATE = Number(process.env.BENCH_RATE ?? 100)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1)
// Many short rounds: the on / off of back-to-back rounds spreads ±15% on this machine (commits
// wait on the WAL flush, whose speed wanders), so its median needs about ten pairs to settle.
const INSERT_SECONDS = Number(process.env.BENCH_INSERT_SECONDS ?? 3)
const INSERT_ROUNDS = Number(process.env.BENCH_INSERT_ROUNDS ?? 11)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const FLOE_BIN = process.env.BENCH_FLOE_BIN ?? here('../server/bin/floe.mjs')
const PARTS = new Set((process.env.BENCH_PARTS ?? 'fanout,insert').split(','))
const ANON = 'bench-anon-key-0123456789abcdef0123456789'
const JWT_SECRET = ANON + '-jwt'

const SCHEMA = `
create table feed (id bigserial primary key, owner_id uuid not null, sent_ms float8 not null, body text not null default 'hello');
alter table feed enable row level security;
create policy own_rows on feed for select to authenticated using (owner_id = auth.uid());
create table feed_bare (id bigserial primary key, owner_id uuid not null, sent_ms float8 not null, body text not null default 'hello');
create function bench_notify() returns trigger language plpgsql as $$
begin perform pg_notify('bench_feed', row_to_json(new)::text); return null; end $$;
create trigger feed_bare_notify after insert on feed_bare for each row execute function bench_notify();
create table ins_on (id bigserial primary key, title text not null, owner_id uuid, created_at timestamptz not null default now());
create table ins_off (id bigserial primary key, title text not null, owner_id uuid, created_at timestamptz not null default now());
alter table ins_on enable row level security;
alter table ins_off enable row level security;
create policy ins on ins_on for insert with check (true);
create policy ins on ins_off for insert with check (true);
create policy sel on ins_on for select using (true);
create policy sel on ins_off for select using (true);
select realtime.enable_table('public.feed');
select realtime.enable_table('public.ins_on');
analyze;`

function jwt(sub: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 3600 })}`
  return `${body}.${createHmac('sha256', JWT_SECRET).update(body).digest('base64url')}`
}

const clock = () => performance.timeOrigin + performance.now()

interface Subscriber {
  ws: WebSocket
  user: string
}

interface Tally {
  latencies: number[]
}

/** Opens a socket and joins one channel on `table`; resolves once the join is answered ok. */
function subscribe(url: string, table: string, user: string, topic: string, tally: Tally): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    const timer = setTimeout(() => reject(new Error(`join of ${topic} timed out`)), 30_000)
    ws.on('error', reject)
    ws.on('open', () => {
      const payload = {
        config: { broadcast: { self: false, ack: false }, presence: { enabled: false, key: '' }, postgres_changes: [{ event: 'INSERT', schema: 'public', table }], private: false },
        access_token: jwt(user),
      }
      ws.send(JSON.stringify({ topic, event: 'phx_join', payload, ref: '1', join_ref: '1' }))
    })
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { event: string; ref: string | null; payload: { status?: string; response?: unknown; data?: { record?: { sent_ms?: number } } } }
      if (m.event === 'phx_reply' && m.ref === '1') {
        clearTimeout(timer)
        if (m.payload.status === 'ok') resolve({ ws, user })
        else reject(new Error(`join refused: ${JSON.stringify(m.payload.response)}`))
      } else if (m.event === 'postgres_changes') {
        const sent = m.payload.data?.record?.sent_ms
        if (typeof sent === 'number') tally.latencies.push(clock() - sent)
      }
    })
  })
}

async function inBatches<T>(n: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, k) => fn(i + k)))))
  return out
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Math.round(Number(kb) / 1024)
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

interface FanOut {
  expected: number
  delivered: number
  perSec: number
  p50: number
  p99: number
  cpuUsPerDelivery: number
  rssIdle: number
  rssOpen: number
}

/** One run: `users[i]` is subscriber i's user; RATE changes/s for SECONDS, each for the next user. */
async function fanOut(wsUrl: string, table: string, users: string[], pid: number, pool: pg.Pool): Promise<FanOut> {
  const tally: Tally = { latencies: [] }
  const rssIdle = rssMb(pid)
  const subs = await inBatches(users.length, 50, (i) => subscribe(wsUrl, table, users[i]!, `realtime:bench-${i}`, tally))
  const heartbeat = setInterval(() => {
    for (const s of subs) if (s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: 'hb' }))
  }, 20_000)
  await new Promise((r) => setTimeout(r, 1000))
  const rssOpen = rssMb(pid)
  const distinct = [...new Set(users)]
  const socketsOf = new Map(distinct.map((u) => [u, users.filter((x) => x === u).length]))
  const t0 = cpuTicks(pid)
  const total = RATE * SECONDS
  let expected = 0
  const began = clock()
  const writes: Promise<unknown>[] = []
  for (let i = 0; i < total; i++) {
    const due = began + (i * 1000) / RATE
    const wait = due - clock()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    const owner = distinct[i % distinct.length]!
    expected += socketsOf.get(owner)!
    writes.push(pool.query(`insert into ${table} (owner_id, sent_ms) values ($1, $2)`, [owner, clock()]))
  }
  await Promise.all(writes)
  const drainUntil = clock() + 10_000
  while (tally.latencies.length < expected && clock() < drainUntil) await new Promise((r) => setTimeout(r, 100))
  const elapsed = (clock() - began) / 1000
  const cpuUs = (cpuTicks(pid) - t0) * 10_000
  clearInterval(heartbeat)
  for (const s of subs) s.ws.terminate()
  await new Promise((r) => setTimeout(r, 1000))
  const delivered = tally.latencies.length
  return {
    expected,
    delivered,
    perSec: Math.round(delivered / Math.max(elapsed, SECONDS)),
    p50: Math.round(pct(tally.latencies, 50)),
    p99: Math.round(pct(tally.latencies, 99)),
    cpuUsPerDelivery: Math.round(cpuUs / Math.max(delivered, 1)),
    rssIdle,
    rssOpen,
  }
}

async function main() {
  const name = `floe_bench_realtime_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = withDb(adminUrl, name)
  const procs: ChildProcess[] = []
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  try {
    const floePort = 8793
    const barePort = 8794
    const floe = await start(process.execPath, [FLOE_BIN, 'start'], {
      DATABASE_URL: url, PORT: String(floePort), LOG_LEVEL: 'warn', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0',
      FLOE_ANON_KEY: ANON, FLOE_SERVICE_KEY: ANON + '-service', FLOE_JWT_SECRET: JWT_SECRET,
    }, /Floe is running/)
    procs.push(floe)
    await pool.query(SCHEMA)
    await pool.query(`notify floe, 'reload schema'`)
    await new Promise((r) => setTimeout(r, 1000))
    const bare = await start(process.execPath, ['--import', 'tsx', here('realtime-baseline-server.ts')], { DATABASE_URL: url, PORT: String(barePort) }, /listening/)
    procs.push(bare)

    const floeWs = `ws://127.0.0.1:${floePort}/realtime/v1/websocket?apikey=${ANON}&vsn=1.0.0`
    const bareWs = `ws://127.0.0.1:${barePort}/websocket`
    const perUser = Array.from({ length: SUBSCRIBERS }, () => randomUUID())
    const groups = Array.from({ length: 10 }, () => randomUUID())
    const grouped = Array.from({ length: SUBSCRIBERS }, (_, i) => groups[i % groups.length]!)
    const scenarios: [string, string[]][] = [
      [`${SUBSCRIBERS} subscribers, ${SUBSCRIBERS} users, owner-only rule`, perUser],
      [`${SUBSCRIBERS} subscribers sharing 10 claims groups, owner-only rule`, grouped],
    ]
    console.log(`\n${RATE} changes/s for ${SECONDS} s per run, ${ROUNDS} round(s), bare and Floe in turn; latency from the INSERT call to the message's arrival\n`)
    console.log('| scenario | server | deliveries expected | received | deliveries/s | p50 ms | p99 ms | server CPU µs/delivery | server RSS MB idle → sockets open |')
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for (const [label, users] of PARTS.has('fanout') ? scenarios : []) {
      for (let r = 0; r < ROUNDS; r++) {
        const row = (who: string, f: FanOut) =>
          console.log(`| ${label} | ${who} | ${f.expected} | ${f.delivered} | ${f.perSec} | ${f.p50} | ${f.p99} | ${f.cpuUsPerDelivery} | ${f.rssIdle} → ${f.rssOpen} |`)
        row('bare ws + LISTEN', await fanOut(bareWs, 'feed_bare', users, bare.pid!, pool))
        row('Floe', await fanOut(floeWs, 'feed', users, floe.pid!, pool))
      }
    }

    if (!PARTS.has('insert')) return
    const h = { apikey: ANON }
    const onRuns: Load[] = []
    const offRuns: Load[] = []
    const insert = (table: string, seconds = INSERT_SECONDS) =>
      autocannon(`http://127.0.0.1:${floePort}/rest/v1/${table}`, { connections: CONNECTIONS, seconds, method: 'POST', headers: h, body: '{"title":"new"}' })
    // Not counted: the first seconds of a fresh server run slower (JIT, pool, caches).
    await insert('ins_off', 2)
    await insert('ins_on', 2)
    for (let r = 0; r < INSERT_ROUNDS; r++) {
      if (r % 2 === 0) offRuns.push(await insert('ins_off'))
      onRuns.push(await insert('ins_on'))
      if (r % 2 === 1) offRuns.push(await insert('ins_off'))
    }
    const on = medianRun(onRuns)
    const off = medianRun(offRuns)
    console.log(`\nInsert one row through /rest/v1, ${CONNECTIONS} connections, ${INSERT_ROUNDS} alternating rounds of ${INSERT_SECONDS} s after a warm-up (median)\n`)
    console.log('| table | req/s | p50 ms | p99 ms | non-2xx | vs realtime off (medians) | round by round: on / off, median (range) |')
    console.log('| --- | --- | --- | --- | --- | --- | --- |')
    console.log(`| realtime off | ${off.reqPerSec} | ${off.p50} | ${off.p99} | ${off.non2xx + off.errors} | 100% | |`)
    console.log(`| realtime on | ${on.reqPerSec} | ${on.p50} | ${on.p99} | ${on.non2xx + on.errors} | ${((on.reqPerSec / off.reqPerSec) * 100).toFixed(0)}% | ${pairedRatio(onRuns, offRuns)} |`)
    console.error(`  insert: off ${offRuns.map((x) => x.reqPerSec).join(', ')}; on ${onRuns.map((x) => x.reqPerSec).join(', ')}`)
  } finally {
    await pool.end()
    for (const p of procs) p.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 1500))
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

await main()
