/**
 * The cost of withRequestRole (the per-request transaction that sets role and claims) next to a
 * bare query on the same pool, in one run. Also a naive Kysely transaction with separate
 * BEGIN / set_config / query / COMMIT round trips, the thing withRequestRole improves on.
 *
 *   pnpm bench            (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 *
 * It creates and drops its own database `floe_bench_<pid>`.
 */
import pg from 'pg'
import { sql } from 'kysely'
import { createDatabase, createRequestTransactions, migrate } from '../server/src/db/index.js'
import { createLogger } from '../server/src/log.js'

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const OPS = Number(process.env.BENCH_OPS ?? 20_000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const POOL = 8

function withDb(url: string, name: string) {
  const u = new URL(url)
  u.pathname = '/' + name
  return u.toString()
}

interface Result {
  name: string
  opsPerSec: number
  p50: number
  p99: number
  roundTrips: number
}

async function run(name: string, roundTrips: number, op: (i: number) => Promise<unknown>): Promise<Result> {
  for (let i = 0; i < 500; i++) await op(i) // warm up: connections, plans
  const latencies: number[] = new Array(OPS)
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < OPS; i = next++) {
        const t0 = performance.now()
        await op(i)
        latencies[i] = performance.now() - t0
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const q = (p: number) => Math.round(latencies[Math.min(OPS - 1, Math.floor(OPS * p))]! * 1000) / 1000
  return { name, opsPerSec: Math.round(OPS / seconds), p50: q(0.5), p99: q(0.99), roundTrips }
}

async function main() {
  const name = `floe_bench_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const log = createLogger('error')
  const database = createDatabase(withDb(adminUrl, name), { max: POOL, log })
  try {
    await migrate(database.pool, log)
    await database.pool.query(`create table items (id int primary key, owner uuid, title text);
      insert into items select g, gen_random_uuid(), 'item ' || g from generate_series(1, 10000) g;
      alter table items enable row level security;
      create policy read_all on items for select using (true);
      analyze items;`)
    const { withRequestRole, runStatement } = createRequestTransactions(database, { allowedRoles: new Set(['anon', 'authenticated']), statementTimeoutMs: 30_000 })
    const identity = { role: 'authenticated', claims: { role: 'authenticated', sub: '6f1d3f4e-4a50-4a39-9d3b-0d9b3e5d1a11', email: 'a@b.c' } }
    const id = (i: number) => (i * 7919) % 10000 + 1

    const results: Result[] = []
    results.push(await run('bare query (pool.query)', 1, (i) => database.pool.query('select * from items where id = $1', [id(i)])))
    results.push(
      await run('withRequestRole + query', 3, (i) =>
        withRequestRole(identity, (trx) => sql`select * from items where id = ${id(i)}`.execute(trx)),
      ),
    )
    results.push(
      await run('runStatement (pipelined, what /rest/v1 uses)', 1, (i) =>
        runStatement(identity, { text: 'select * from items where id = $1', values: [id(i)] }),
      ),
    )
    results.push(
      await run('naive: BEGIN; set_config; query; COMMIT', 4, (i) =>
        database.db.transaction().execute(async (trx) => {
          await sql`select set_config('role', ${identity.role}, true), set_config('request.jwt.claims', ${JSON.stringify(identity.claims)}, true)`.execute(trx)
          return sql`select * from items where id = ${id(i)}`.execute(trx)
        }),
      ),
    )
    const base = results[0]!
    console.log(`\n${OPS} ops, ${CONCURRENCY} concurrent callers, pool of ${POOL}, PK lookup on 10,000 rows with RLS on\n`)
    console.log('| path | round trips | ops/s | p50 ms | p99 ms | vs bare |')
    console.log('| --- | --- | --- | --- | --- | --- |')
    for (const r of results) {
      console.log(`| ${r.name} | ${r.roundTrips} | ${r.opsPerSec} | ${r.p50} | ${r.p99} | ${(r.opsPerSec / base.opsPerSec * 100).toFixed(0)}% |`)
    }
  } finally {
    await database.close()
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

await main()
