/**
 * One real `floe start` for the browser tests, started as sdk/test/global-setup.ts does: a fresh
 * database on the machine's PostgreSQL (127.0.0.1:5432, user postgres), no Redis (Floe runs
 * without it), storage on the filesystem under a temp FLOE_DATA_DIR, known keys, CORS open to
 * any origin (the page is served from another port). Then the test's schema: `notes` under an
 * owner rule, a private bucket with a folder per user. `stop()` removes process, database, files.
 * `redis: true` starts it with the machine's Redis (jobs on) under a random REDIS_PREFIX whose
 * keys `stop()` drops; `env` adds settings (e.g. FLOE_FUNCTIONS_DIR).
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

const FLOE_BIN = fileURLToPath(new URL('../../server/bin/floe.mjs', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PG_ADMIN = process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const REDIS_URL = process.env.E2E_REDIS_URL ?? 'redis://127.0.0.1:6379'

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

/**
 * One command to Redis over RESP (no client library for two commands): the reply's first line
 * (`+PONG`, `:12`), or the error. Rejects when Redis cannot be reached within `timeoutMs`.
 */
export function redisCommand(url: string, args: string[], timeoutMs = 2000): Promise<string> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 6379) })
    const timer = setTimeout(() => socket.destroy(new Error(`Redis at ${url} did not answer`)), timeoutMs)
    let reply = ''
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`))
    socket.on('data', (d: Buffer) => {
      reply += d.toString()
      if (reply.includes('\r\n')) {
        clearTimeout(timer)
        socket.end()
        const line = reply.slice(0, reply.indexOf('\r\n'))
        if (line.startsWith('-')) reject(new Error(`Redis: ${line.slice(1)}`))
        else resolve(line)
      }
    })
    socket.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}

/** Whether the machine's Redis answers (tests that need jobs skip without it). */
export async function isRedisReachable(url = REDIS_URL): Promise<boolean> {
  return redisCommand(url, ['PING']).then((r) => r === '+PONG', () => false)
}

// Deletes in batches inside Redis: KEYS is fine for a test prefix on a test machine.
const DROP_PREFIX = `local keys = redis.call('keys', ARGV[1])
for i = 1, #keys, 1000 do redis.call('del', unpack(keys, i, math.min(i + 999, #keys))) end
return #keys`

export interface StartFloeOptions {
  /** Jobs on: the machine's Redis (E2E_REDIS_URL or redis://127.0.0.1:6379), a random REDIS_PREFIX. */
  redis?: boolean
  /** More settings for the server (after the defaults, so they win). */
  env?: Record<string, string>
}

export async function startFloe(opts: StartFloeOptions = {}): Promise<Floe> {
  const suffix = randomBytes(4).toString('hex')
  const redisPrefix = `floe-e2e-${suffix}:`
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
      ...(opts.redis ? { REDIS_URL, REDIS_PREFIX: redisPrefix } : {}),
      ...opts.env,
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
    if (opts.redis) await redisCommand(REDIS_URL, ['EVAL', DROP_PREFIX, '0', `${redisPrefix}*`]).catch(() => undefined)
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
