/**
 * One real `floe start` for the browser tests, started as sdk/test/global-setup.ts does: a fresh
 * database on the machine's PostgreSQL (127.0.0.1:5432, user postgres), no Redis (Floe runs
 * without it), storage on the filesystem under a temp FLOE_DATA_DIR, known keys, CORS open to
 * any origin (the page is served from another port). Then the test's schema: `notes` under an
 * owner rule, a private bucket with a folder per user. `stop()` removes process, database, files.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

const FLOE_BIN = fileURLToPath(new URL('../../server/bin/floe.mjs', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PG_ADMIN = process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export const BUCKET = 'e2e-files'

/** A row no test user owns: the owner rule must hide it from the page. */
export const FOREIGN_NOTE = 'someone else’s note'

const SCHEMA_SQL = `
create table public.notes (
  id bigint generated always as identity primary key,
  owner_id uuid not null default auth.uid(),
  body text not null
);
alter table public.notes enable row level security;
grant select, insert on public.notes to authenticated;
create policy notes_owner on public.notes for all to authenticated
  using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
insert into public.notes (owner_id, body) values (gen_random_uuid(), '${FOREIGN_NOTE}');
create policy e2e_read on storage.objects for select to authenticated
  using (bucket_id = '${BUCKET}' and (storage.foldername(name))[1] = (select auth.uid()::text));
create policy e2e_write on storage.objects for insert to authenticated
  with check (bucket_id = '${BUCKET}' and (storage.foldername(name))[1] = (select auth.uid()::text));
create policy e2e_update on storage.objects for update to authenticated
  using (bucket_id = '${BUCKET}' and (storage.foldername(name))[1] = (select auth.uid()::text));
`

export interface Floe {
  url: string
  anonKey: string
  serviceKey: string
  /** The test's own database (to set up what no API does yet, e.g. an admin role). */
  databaseUrl: string
  /** What the server has printed so far (the start banner, a setup link, warnings). */
  output(): string
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** The machine's environment without anything that would configure Floe. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(DATABASE_URL|REDIS_|PORT|HOST|FLOE_|S3_|RATE_LIMIT_|AUTH_|CORS_|LOG_LEVEL|PUBLIC_URL|TEST_|VITEST)/.test(k)) continue
    env[k] = v
  }
  return { ...env, ...extra }
}

export async function query(connectionString: string, sql: string, params: unknown[] = []): Promise<void> {
  const c = new pg.Client({ connectionString })
  await c.connect()
  try {
    await c.query(sql, params)
  } finally {
    await c.end()
  }
}

export async function startFloe(): Promise<Floe> {
  const suffix = randomBytes(4).toString('hex')
  const dbName = `floe_e2e_${suffix}`
  const dataDir = await mkdtemp(path.join(tmpdir(), 'floe-e2e-'))
  const anonKey = `e2e-anon-key-${randomBytes(16).toString('hex')}`
  const serviceKey = `e2e-service-key-${randomBytes(16).toString('hex')}`
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  await query(PG_ADMIN, `create database ${dbName}`)
  const databaseUrl = PG_ADMIN.replace(/\/[^/]*$/, `/${dbName}`)
  const proc = spawn(process.execPath, [FLOE_BIN, 'start'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv({
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      CORS_ORIGINS: '*',
      FLOE_DATA_DIR: dataDir,
      FLOE_ANON_KEY: anonKey,
      FLOE_SERVICE_KEY: serviceKey,
      FLOE_JWT_SECRET: `e2e-jwt-secret-${randomBytes(16).toString('hex')}`,
      AUTH_REQUIRE_EMAIL_VERIFICATION: 'false',
      AUTH_RATE_LIMIT_PER_IP: '0',
      AUTH_RATE_LIMIT_PER_EMAIL: '0',
      LOG_LEVEL: 'warn',
    }),
  })
  let out = ''
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()))
  let stopping = false
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()))
  void exited.then(() => stopping || console.error(`floe exited during the tests:\n${out}`))

  const stop = async () => {
    stopping = true
    if (proc.exitCode === null && proc.signalCode === null && proc.pid) {
      process.kill(-proc.pid, 'SIGTERM')
      const killer = setTimeout(() => proc.pid && process.kill(-proc.pid, 'SIGKILL'), 10_000)
      await exited
      clearTimeout(killer)
    }
    await query(PG_ADMIN, `drop database if exists ${dbName} with (force)`)
    await rm(dataDir, { recursive: true, force: true })
  }

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`floe did not start in time:\n${out}`)), 60_000)
      proc.stdout.on('data', () => {
        if (/API:\s+http/.test(out)) {
          clearTimeout(timer)
          resolve()
        }
      })
      void exited.then(() => {
        clearTimeout(timer)
        reject(new Error(`floe exited before it was ready:\n${out}`))
      })
    })
    await query(databaseUrl, SCHEMA_SQL)
    const res = await fetch(`${url}/storage/v1/bucket`, {
      method: 'POST',
      headers: { apikey: serviceKey, authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: BUCKET, name: BUCKET, public: false }),
    })
    if (!res.ok) throw new Error(`creating the bucket: ${res.status} ${await res.text()}`)
    return { url, anonKey, serviceKey, databaseUrl, output: () => out, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
