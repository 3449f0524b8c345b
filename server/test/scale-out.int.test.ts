/**
 * Scale-out, as docker/docker-compose.replicas.yml runs it: two `floe start` replicas with
 * FLOE_WORKERS=false and one `floe worker`, on the same Postgres, Redis and S3 server (s3rver).
 * Both replicas serve the same data; a session made on one works (and refreshes) on the other;
 * a signed URL made on one downloads from the other; DDL through one reloads both schema caches;
 * the auth rate limits count across both; every job runs exactly once; and a replica killed
 * (SIGKILL) in the middle of a write load loses no acknowledged write and no job: the client
 * retries a failed request on the other replica, as a load balancer's client would.
 */
import { randomUUID } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { TEST_ANON_KEY, TEST_SERVICE_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { dropPrefix, FUNCTIONS_DIR, testPrefix, waitFor } from './jobs-helpers.js'
import { cleanEnv, FLOE_BIN, REPO_ROOT, startFloeProcess, type FloeProcess } from './process.js'
import { startBackend, type TestBackend } from './storage-helpers.js'
import { supabaseClient } from './supabase-client.js'

const redisUrl = inject('redisUrl')

const SCHEMA = `
  create table public.items (
    id uuid primary key,
    owner_id uuid not null default auth.uid(),
    body text not null
  );
  create policy own_items on public.items for all to authenticated
    using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
  -- every committed item enqueues one job, in the item's own transaction
  create function public.items_enqueue() returns trigger language plpgsql security definer set search_path = '' as $$
  begin
    perform floe.enqueue('record', jsonb_build_object('item', new.id));
    return new;
  end $$;
  create trigger items_enqueue after insert on public.items for each row execute function public.items_enqueue();
  create table public.job_log (job_id text not null, payload jsonb not null);
  insert into floe.queues (name, handler, enqueue_roles) values ('record', 'record', '{service_role,authenticated}');
`

describe.skipIf(!redisUrl)('two replicas and a worker on one Postgres, Redis and S3', () => {
  let t: TestDatabase
  let backend: TestBackend
  let sql: pg.Pool
  let a: FloeProcess
  let b: FloeProcess
  let worker: ChildProcess | undefined
  let workerOut = ''
  const prefix = testPrefix()

  beforeAll(async () => {
    t = await createTestDatabase()
    sql = new pg.Pool({ connectionString: t.url, max: 3 })
    await sql.query(SCHEMA)
    backend = await startBackend('s3')
    const env = testEnv(t, {
      ...backend.env,
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: prefix,
      FLOE_FUNCTIONS_DIR: FUNCTIONS_DIR,
      FLOE_WORKERS: 'false',
      AUTH_REQUIRE_EMAIL_VERIFICATION: 'false',
      AUTH_RATE_LIMIT_PER_EMAIL: '4',
      LOG_LEVEL: 'warn',
    })
    // The replicas share one FLOE_DATA_DIR only because the test's s3rver keeps its files there;
    // with S3 configured nothing of Floe's own lands in it.
    a = await startFloeProcess({ ...env, PORT: String(await findFreePort()) })
    b = await startFloeProcess({ ...env, PORT: String(await findFreePort()) })
    worker = spawn(process.execPath, [FLOE_BIN, 'worker'], { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
    worker.stdout!.on('data', (d: Buffer) => (workerOut += d.toString()))
    worker.stderr!.on('data', (d: Buffer) => (workerOut += d.toString()))
    await waitFor(async () => workerOut.includes('floe worker running'), 30_000, 'the worker to start')
  }, 90_000)

  afterAll(async () => {
    for (const p of [a, b]) {
      if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) continue
      p.signal('SIGTERM')
      await p.exited
    }
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r))
      worker.kill('SIGTERM')
      await exited
    }
    await sql?.end()
    await backend?.close()
    await t?.drop()
    await dropPrefix(redisUrl!, prefix)
  }, 60_000)

  /** A user signed up through replica `url`, with the session supabase-js returned. */
  const signUp = async (url: string) => {
    const email = `u-${randomUUID().slice(0, 8)}@floe.test`
    const client = supabaseClient(url, TEST_ANON_KEY)
    const { data, error } = await client.auth.signUp({ email, password: 'a long test passphrase 1' })
    expect(error).toBeNull()
    expect(data.session).not.toBeNull()
    return { email, session: data.session!, userId: data.user!.id }
  }

  const insertItem = (url: string, token: string, id: string, body: string) =>
    fetch(`${url}/rest/v1/items`, {
      method: 'POST',
      headers: { apikey: TEST_ANON_KEY, authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'return=minimal' },
      body: JSON.stringify({ id, body }),
    })

  it('serves the same data from both replicas', async () => {
    const { session } = await signUp(a.url)
    const id = randomUUID()
    expect((await insertItem(a.url, session.access_token, id, 'written on a')).status).toBe(201)
    const onB = supabaseClient(b.url, TEST_ANON_KEY, session.access_token)
    const { data, error } = await onB.from('items').select('id, body')
    expect(error).toBeNull()
    expect(data).toEqual([{ id, body: 'written on a' }])
  })

  it('a session from one replica works and refreshes on the other', async () => {
    const { session, userId, email } = await signUp(a.url)
    const { data: user, error } = await supabaseClient(b.url, TEST_ANON_KEY).auth.getUser(session.access_token)
    expect(error).toBeNull()
    expect(user.user).toMatchObject({ id: userId, email })
    const { data: refreshed, error: refreshError } = await supabaseClient(b.url, TEST_ANON_KEY).auth.refreshSession({ refresh_token: session.refresh_token })
    expect(refreshError).toBeNull()
    expect(refreshed.session?.refresh_token).toBeTruthy()
    expect(refreshed.session?.refresh_token).not.toBe(session.refresh_token)
    // The session b issued is good on a, for auth and for the data API under rules.
    expect((await supabaseClient(a.url, TEST_ANON_KEY).auth.getUser(refreshed.session!.access_token)).data.user?.id).toBe(userId)
    const onA = supabaseClient(a.url, TEST_ANON_KEY, refreshed.session!.access_token)
    const id = randomUUID()
    expect((await insertItem(a.url, refreshed.session!.access_token, id, 'after refresh on b')).status).toBe(201)
    expect((await onA.from('items').select('id')).data).toEqual([{ id }])
  })

  it('a signed URL made on one replica downloads from the other', async () => {
    const admin = supabaseClient(a.url, TEST_SERVICE_KEY)
    expect((await admin.storage.createBucket('docs', { public: false })).error).toBeNull()
    const bytes = Buffer.from(`scale-out ${randomUUID()}`)
    expect((await admin.storage.from('docs').upload('report.txt', bytes, { contentType: 'text/plain' })).error).toBeNull()
    const { data, error } = await admin.storage.from('docs').createSignedUrl('report.txt', 60)
    expect(error).toBeNull()
    const signed = new URL(data!.signedUrl)
    const res = await fetch(`${b.url}${signed.pathname}${signed.search}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes)
  })

  it('DDL through one replica reloads the schema cache of both', async () => {
    const service = { apikey: TEST_SERVICE_KEY, authorization: `Bearer ${TEST_SERVICE_KEY}` }
    const before = await fetch(`${b.url}/rest/v1/gadgets`, { headers: service })
    expect(before.status).toBe(404)
    const ddl = await fetch(`${a.url}/admin/v1/sql`, {
      method: 'POST',
      headers: { ...service, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `create table public.gadgets (id int primary key, name text); insert into public.gadgets values (1, 'sprocket')` }),
    })
    expect(ddl.status).toBe(200)
    for (const replica of [a, b]) {
      const rows = await waitFor(async () => {
        const res = await fetch(`${replica.url}/rest/v1/gadgets?select=id,name`, { headers: service })
        return res.status === 200 ? ((await res.json()) as unknown[]) : undefined
      }, 10_000, `gadgets on ${replica.url}`)
      expect(rows).toEqual([{ id: 1, name: 'sprocket' }])
    }
  })

  it('counts the per-email sign-in limit across both replicas', async () => {
    const { email } = await signUp(a.url)
    const attempt = (url: string) =>
      fetch(`${url}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: { apikey: TEST_ANON_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'not the password at all' }),
      })
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await attempt(i % 2 ? b.url : a.url)).status)
    // The sign-up counts too (AUTH_RATE_LIMIT_PER_EMAIL=4): shared, the fourth request on the email
    // is refused. Counted per process, a (sign-up + three attempts) and b (three) would pass them all.
    expect(statuses).toEqual([400, 400, 400, 429, 429, 429])
  })

  it('runs every job once, and a replica killed mid-load loses no acknowledged write or job', async () => {
    const { session } = await signUp(b.url)
    const replicas = [a.url, b.url]
    const acknowledged = new Set<string>()
    let retried = 0
    let killed = false
    /** One write as a client behind a load balancer does it: on a dropped connection or a 5xx, the other replica. */
    const write = async (n: number) => {
      const id = randomUUID()
      for (let attempt = 0; attempt < 6; attempt++) {
        const url = replicas[(n + attempt) % 2]!
        try {
          const res = await insertItem(url, session.access_token, id, `load ${n}`)
          // 409: the first attempt committed before its connection dropped.
          if (res.status === 201 || (attempt > 0 && res.status === 409)) {
            acknowledged.add(id)
            return
          }
          if (res.status < 500) throw new Error(`write ${n}: ${res.status} ${await res.text()}`)
        } catch (err) {
          if (err instanceof Error && err.message.startsWith('write ')) throw err
        }
        retried++
      }
      throw new Error(`write ${n} failed on both replicas`)
    }
    const total = 240
    let next = 0
    const lanes = Array.from({ length: 6 }, async () => {
      while (next < total) {
        const n = next++
        if (n === 80 && !killed) {
          killed = true
          a.signal('SIGKILL')
        }
        await write(n)
      }
    })
    await Promise.all(lanes)
    await a.exited
    expect(acknowledged.size).toBe(total)
    const { rows } = await sql.query<{ id: string }>(`select id::text from public.items where body like 'load %'`)
    const stored = new Set(rows.map((r) => r.id))
    for (const id of acknowledged) expect(stored.has(id), `acknowledged write ${id} is stored`).toBe(true)
    // Every stored item (acknowledged or committed just before its answer was lost) got its job, once.
    const { rows: items } = await sql.query<{ id: string }>(`select id::text from public.items`)
    const jobsDone = await waitFor(async () => {
      const { rows: log } = await sql.query<{ item: string; n: number }>(
        `select payload->>'item' as item, count(*)::int as n from public.job_log group by 1`,
      )
      return log.length >= items.length ? log : undefined
    }, 60_000, `a job per item (worker output:\n${workerOut})`)
    expect(jobsDone.map((r) => r.item).sort()).toEqual(items.map((r) => r.id).sort())
    expect(jobsDone.filter((r) => r.n !== 1)).toEqual([])
    // The kill happened while writes were in flight: some requests had to go to the other replica.
    expect(killed).toBe(true)
    expect(retried).toBeGreaterThan(0)
  }, 120_000)
})
