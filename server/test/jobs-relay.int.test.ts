import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createDatabase, type Database } from '../src/db/index.js'
import { createJobs, type Jobs } from '../src/jobs/index.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildJobsApp, testPrefix, waitFor, type JobsTestApp } from './jobs-helpers.js'

const redisUrl = inject('redisUrl')

/**
 * The relay under load: two replicas drain one burst without moving a row twice, a busy relay
 * holds the lock that makes producers skip NOTIFY, and once idle again it is woken by NOTIFY
 * (the sweep is set to a minute here, so only a notification can explain a prompt delivery).
 */
describe.skipIf(!redisUrl)('outbox relay: busy polling, idle NOTIFY, two replicas', () => {
  let t: TestDatabase
  let floe: JobsTestApp
  let replica: Jobs
  let replicaDb: Database
  let sql: pg.Pool

  beforeAll(async () => {
    t = await createTestDatabase()
    sql = new pg.Pool({ connectionString: t.url, max: 12 })
    await sql.query(`create table public.job_log (job_id text, payload jsonb);
                     insert into floe.queues (name, handler, concurrency) values ('record', 'record', 50)`)
    floe = await buildJobsApp(t, { REDIS_URL: redisUrl!, REDIS_PREFIX: testPrefix(), JOBS_RELAY_SWEEP_MS: '60000', JOBS_RELAY_BATCH: '100' })
    // A replica is another process: its own pool and LISTEN connection (the busy lock is per session).
    replicaDb = createDatabase(t.url, { max: floe.config.databasePoolMax, log: floe.deps.log })
    replica = await createJobs({ config: floe.config, database: replicaDb, log: floe.deps.log, storage: floe.deps.storage, workers: true })
  })
  afterAll(async () => {
    await replica?.close()
    await replicaDb?.close()
    await floe?.close()
    await sql?.end()
    await t?.drop()
  })

  const busyLockHeld = async () =>
    // This database's only: pg_locks lists every database's, and advisory locks are per database.
    (await sql.query(`select 1 from pg_locks where locktype = 'advisory' and granted and ((classid::bigint << 32) | objid::bigint) = 7261992003
                        and database = (select oid from pg_database where datname = current_database())`)).rowCount! > 0

  it('3,000 jobs from 300 concurrent commits: each row moved once, each job run once', async () => {
    let busySeen = false
    let done = false
    const watching = (async () => {
      while (!busySeen && !done) busySeen = await busyLockHeld()
    })()
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => sql.query(`select floe.enqueue('record', jsonb_build_object('n', $1::int * 10 + g)) from generate_series(0, 9) g`, [i])),
    )
    await waitFor(async () => (await sql.query('select 1 from public.job_log')).rowCount! >= 3000, 30_000, '3,000 jobs')
    done = true
    await watching
    await new Promise((r) => setTimeout(r, 500)) // a second run of any job would land here
    const { rows } = await sql.query<{ total: number; distinct_n: number }>(`select count(*)::int as total, count(distinct payload->>'n')::int as distinct_n from public.job_log`)
    expect(rows[0]).toEqual({ total: 3000, distinct_n: 3000 })
    expect(floe.jobs.relay!.moved + replica.relay!.moved).toBe(3000)
    expect(busySeen).toBe(true)
  }, 60_000)

  it('an idle relay lets the lock go and is woken by NOTIFY', async () => {
    await waitFor(async () => !(await busyLockHeld()), 10_000, 'relays idle')
    const before = (await sql.query('select 1 from public.job_log')).rowCount!
    const started = Date.now()
    await sql.query(`select floe.enqueue('record', '{"n": "late"}')`)
    await waitFor(async () => (await sql.query('select 1 from public.job_log')).rowCount! > before, 10_000, 'the late job')
    expect(Date.now() - started).toBeLessThan(5_000)
  }, 30_000)
})
