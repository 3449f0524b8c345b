/**
 * Data API load benchmark: Floe (`/rest/v1`, through the anon key, RLS on) against the bare
 * `node:http` + `pg` ceiling (baseline-server.ts), both as separate processes on the same
 * database, loaded by autocannon in a third process, one operation at a time.
 *
 *   pnpm --filter @floe/bench bench:rest
 *   (BENCH_DATABASE_URL, BENCH_CONNECTIONS=50, BENCH_SECONDS=5, BENCH_ROUNDS=3,
 *    BENCH_BASELINE_PREPARED=1 to let the bare server prepare its statements too)
 *
 * Before/after pairs in one run:
 *   BENCH_FLOE_BIN=<checkout>/server/bin/floe.mjs         the Floe measured ("after"; default: this
 *                                                         checkout's)
 *   BENCH_FLOE_BEFORE_BIN=<checkout>/server/bin/floe.mjs  a second Floe ("before"), started on the
 *                                                         same database; each round then runs bare,
 *                                                         before and after for the operation (before
 *                                                         and after swap places every other round),
 *                                                         the median of each is shown with an
 *                                                         "after / before" column
 *   BENCH_FLOE_BEFORE_NAME=before                         what to call the second Floe in the table
 *   BENCH_OPS=key,keys,list,insert                        only those operations (default: all four)
 * With a "before", the last column is the median (and range) of each round's after / before: the
 * two ran back to back, so drift of the machine between rounds cancels out of it.
 * Each server's CPU time per request (user + system, from /proc/<pid>/stat, over the run) is shown
 * too: steadier than req/s on a shared machine; its median is taken on its own.
 * The two checkouts must share the database's migrations (both migrate it on start).
 */
import type { ChildProcess } from 'node:child_process'
import pg from 'pg'
import { autocannon as runAutocannon, cpuTicks, here, medianRun, pairedRatio, start, withDb, type AutocannonOptions, type Load } from './harness.js'

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
/** Bare and Floe runs alternate this many times per operation; the median run is reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
/** BENCH_BASELINE_PREPARED=1: the bare server prepares its statements too (a stricter ceiling). */
const BASELINE_PREPARED = process.env.BENCH_BASELINE_PREPARED === '1'
/** The Floe CLI to run: another checkout's `server/bin/floe.mjs` measures its code. */
const FLOE_BIN = process.env.BENCH_FLOE_BIN ?? here('../server/bin/floe.mjs')
/** A second Floe measured in the same rounds (before/after pairs); unset: only FLOE_BIN. */
const BEFORE_BIN = process.env.BENCH_FLOE_BEFORE_BIN || undefined
const BEFORE_NAME = process.env.BENCH_FLOE_BEFORE_NAME ?? 'before'
const OPS = new Set((process.env.BENCH_OPS ?? 'key,keys,list,insert').split(','))
const ANON = 'bench-anon-key-0123456789abcdef0123456789'
const autocannon = (url: string, opts: Omit<AutocannonOptions, 'connections'>) => runAutocannon(url, { connections: CONNECTIONS, ...opts })
/** The unmeasured run of each server before an operation's rounds, s. */
const WARM_UP_SECONDS = 2

const SCHEMA = `
create table authors (id serial primary key, name text not null);
create table items (
  id serial primary key, title text not null, body text, owner_id uuid, is_public boolean not null default true,
  author_id int references authors(id), created_at timestamptz not null default now());
create index on items (author_id, id desc);
insert into authors (name) select 'author ' || g from generate_series(1, 100) g;
insert into items (title, body, author_id, is_public) select 'item ' || g, repeat('x', 200), 1 + g % 100, g % 10 <> 0 from generate_series(1, 10000) g;
alter table authors enable row level security;
alter table items enable row level security;
create policy read_authors on authors for select using (true);
create policy read_public on items for select using (is_public or owner_id = auth.uid());
create policy insert_any on items for insert with check (true);
analyze;`

async function main() {
  const name = `floe_bench_rest_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = withDb(adminUrl, name)
  const procs: ChildProcess[] = []
  try {
    const floePort = 8790
    const basePort = 8791
    const beforePort = 8792
    const floeEnv = (port: number) => ({
      DATABASE_URL: url, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0',
      FLOE_ANON_KEY: ANON, FLOE_SERVICE_KEY: ANON + '-service', FLOE_JWT_SECRET: ANON + '-jwt',
    })
    // One after the other: each migrates the database on start.
    procs.push(await start(process.execPath, [FLOE_BIN, 'start'], floeEnv(floePort), /Floe is running/))
    if (BEFORE_BIN) procs.push(await start(process.execPath, [BEFORE_BIN, 'start'], floeEnv(beforePort), /Floe is running/))
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    await c.query(SCHEMA)
    await c.query(`notify floe, 'reload schema'`)
    await c.end()
    await new Promise((r) => setTimeout(r, 1000))
    procs.push(await start(process.execPath, ['--import', 'tsx', here('baseline-server.ts')], { DATABASE_URL: url, PORT: String(basePort), PREPARED: BASELINE_PREPARED ? '1' : '0' }, /listening/))

    const h = { apikey: ANON }
    const ops: [string, string, (base: string, isFloe: boolean, seconds?: number) => Promise<Load>][] = [
      ['key', 'GET by primary key (RLS)', (b, _, seconds = SECONDS) => autocannon(`${b}/items?id=eq.4242`, { headers: h, seconds })],
      ['keys', 'GET by primary key (RLS), 10,000 keys', (b, _, seconds = SECONDS) => autocannon(`${b}/items?id=eq.{key}`, { headers: h, keys: 10_000, seconds })],
      ['list', 'list 20 rows + 1 embed', (b, f, seconds = SECONDS) => autocannon(f ? `${b}/items?select=id,title,created_at,author:authors(id,name)&author_id=eq.7&order=id.desc&limit=20` : `${b}/items?author_id=eq.7`, { headers: h, seconds })],
      ['insert', 'insert one row', (b, _, seconds = SECONDS) => autocannon(`${b}/items`, { method: 'POST', headers: { ...h, prefer: 'return=representation' }, body: '{"title":"new","body":"b","is_public":true,"author_id":3}', seconds })],
    ]
    const sides = BEFORE_BIN ? 'bare, ' + BEFORE_NAME + ' and after in turn' : 'alternating runs'
    console.log(`\n${CONNECTIONS} connections, ${ROUNDS} rounds (${sides}) of ${SECONDS} s per side after a ${WARM_UP_SECONDS} s warm-up each (median shown), autocannon in its own process; bare server statements ${BASELINE_PREPARED ? 'prepared' : 'unnamed'}`)
    console.log(`Floe: ${FLOE_BIN}${BEFORE_BIN ? `\n${BEFORE_NAME}: ${BEFORE_BIN}` : ''}\n`)
    const cols = BEFORE_BIN ? ` req/s after / ${BEFORE_NAME} | CPU per request after / ${BEFORE_NAME} | round by round: req/s after / ${BEFORE_NAME}, median (range) |` : ''
    console.log(`| operation | server | req/s | p50 ms | p99 ms | p99/p50 | non-2xx | vs bare | server CPU µs/request |${cols}`)
    console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- |${BEFORE_BIN ? ' --- | --- | --- |' : ''}`)
    const floeBase = (port: number) => `http://127.0.0.1:${port}/rest/v1`
    const [floePid, beforePid, basePid] = BEFORE_BIN ? [procs[0]!.pid!, procs[1]!.pid!, procs[2]!.pid!] : [procs[0]!.pid!, 0, procs[1]!.pid!]
    const measured = async (pid: number, run: Promise<Load> | (() => Promise<Load>)) => {
      const t0 = cpuTicks(pid)
      const r = await (typeof run === 'function' ? run() : run)
      r.cpuUs = ((cpuTicks(pid) - t0) * 10_000) / Math.max(r.requests, 1)
      return r
    }
    for (const [key, label, op] of ops) {
      if (!OPS.has(key)) continue
      // Runs alternate, so a burst of other load on the machine hits every side alike; with a
      // second Floe, it and the first swap places every other round.
      const bareRuns: Load[] = []
      const floeRuns: Load[] = []
      const beforeRuns: Load[] = []
      // Not counted: each server's first seconds on an operation run slower (JIT, statement cache).
      await op(`http://127.0.0.1:${basePort}`, false, WARM_UP_SECONDS)
      if (BEFORE_BIN) await op(floeBase(beforePort), true, WARM_UP_SECONDS)
      await op(floeBase(floePort), true, WARM_UP_SECONDS)
      for (let r = 0; r < ROUNDS; r++) {
        bareRuns.push(await measured(basePid, () => op(`http://127.0.0.1:${basePort}`, false)))
        if (BEFORE_BIN && r % 2 === 0) beforeRuns.push(await measured(beforePid, () => op(floeBase(beforePort), true)))
        floeRuns.push(await measured(floePid, () => op(floeBase(floePort), true)))
        if (BEFORE_BIN && r % 2 === 1) beforeRuns.push(await measured(beforePid, () => op(floeBase(beforePort), true)))
      }
      const bare = medianRun(bareRuns)
      const floe = medianRun(floeRuns)
      const pct = (r: Load) => `${((r.reqPerSec / bare.reqPerSec) * 100).toFixed(0)}%`
      const cpu = (rs: Load[]) => [...rs].map((x) => x.cpuUs!).sort((a, b) => a - b)[Math.floor(rs.length / 2)]!
      const row = (who: string, r: Load, rs: Load[], ratio: string, vsBefore = ' |  | ') =>
        console.log(`| ${label} | ${who} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${(r.p99 / Math.max(r.p50, 1)).toFixed(1)} | ${r.non2xx + r.errors} | ${ratio} | ${Math.round(cpu(rs))} |${BEFORE_BIN ? ` ${vsBefore} |` : ''}`)
      row('bare node:http + pg', bare, bareRuns, '100%')
      if (BEFORE_BIN) {
        const before = medianRun(beforeRuns)
        row(`Floe (${BEFORE_NAME})`, before, beforeRuns, pct(before))
        row('Floe (after)', floe, floeRuns, pct(floe), `${(floe.reqPerSec / before.reqPerSec).toFixed(3)} | ${(cpu(floeRuns) / cpu(beforeRuns)).toFixed(3)} | ${pairedRatio(floeRuns, beforeRuns)}`)
      } else {
        row('Floe', floe, floeRuns, pct(floe))
      }
      // Every run's req/s, on stderr (the table on stdout stays a table).
      const list = (rs: Load[]) => rs.map((x) => `${x.reqPerSec} (${Math.round(x.cpuUs!)} µs)`).join(', ')
      console.error(`  ${label}: bare ${list(bareRuns)}; ${BEFORE_BIN ? `${BEFORE_NAME} ${list(beforeRuns)}; ` : ''}Floe ${list(floeRuns)}`)
    }
  } finally {
    for (const p of procs) p.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 1500))
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

await main()
