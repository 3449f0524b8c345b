/**
 * The `floe` commands on the zero-config embedded PostgreSQL (no DATABASE_URL), through the real
 * binary, with the server stopped and running: every command exits 0 both ways (`floe keys` and
 * `floe migrate` used to die at exit with "done is not a function"), a stopped server's cluster is
 * started for the command and stopped after it, `floe db url` works both ways, the cluster keeps
 * one port across starts (FLOE_DB_PORT moves it; a taken port is one line), and a table an app
 * migration creates is closed to anon until a rule opens it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { REPO_ROOT, runFloe, startFloeProcess } from './process.js'

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'floe-cli-embedded-'))
const migrationsDir = await mkdtemp(path.join(os.tmpdir(), 'floe-cli-migrations-'))
afterAll(async () => {
  for (const d of [dataDir, migrationsDir]) await rm(d, { recursive: true, force: true })
})
const env = { FLOE_DATA_DIR: dataDir, FLOE_MIGRATIONS_DIR: migrationsDir, LOG_LEVEL: 'warn' }

function postgresProcesses(): string[] {
  try {
    return execFileSync('pgrep', ['-f', `postgres -D ${path.join(dataDir, 'pg')}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
}

const keptPort = async () => (JSON.parse(await readFile(path.join(dataDir, 'embedded-postgres.json'), 'utf8')) as { port: number }).port

/** `floe sql` with `input` piped to its stdin, as `echo ... | floe sql` does. */
const pipeToSql = (input: string, extra: Record<string, string> = {}) => runFloe(['sql'], { ...env, ...extra }, REPO_ROOT, input)

/** Each command, what its stdout must show; run with the server stopped, then running. */
const COMMANDS: [string[], RegExp][] = [
  [['keys'], /^anon\s+floe_anon_\S+\nservice\s+floe_service_\S+\n$/],
  [['migrate'], /^(applied|nothing to apply)/],
  [['migrate', '--status'], /^Floe's migrations: \d+ applied, 0 pending\n/],
  [['migrate', '--dry-run'], /^nothing to apply: the database is up to date\n$/],
  [['sql', '-c', 'select 40 + 2 as answer'], /^ answer\n--------\n     42\n\(1 row\)\n\n$/],
  [['db', 'url'], /^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres\n$/],
  [['migration', 'new', 'noop'], /^created \S+_noop\.sql\n$/],
  [['gen', 'types', 'typescript'], /export type Database = /],
]

// Each command here starts and stops a cluster: minutes on a loaded 2-core machine.
describe('floe commands on the embedded PostgreSQL', { timeout: 600_000 }, () => {
  let url = ''
  let anonKey = ''

  it('db url with nothing running: says so on stderr, prints the URL the cluster will have, and keeps its port', async () => {
    const r = await runFloe(['db', 'url'], env)
    expect(r.code).toBe(0)
    expect(r.stderr).toBe(
      'floe db url: the embedded PostgreSQL is not running: it is up only while `floe start` (or another floe command) runs; this is the URL it will have\n',
    )
    url = r.stdout.trim()
    expect(url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/)
    expect(new URL(url).port).toBe(String(await keptPort()))
    expect((await runFloe(['db', 'url'], env)).stdout.trim()).toBe(url)
  })

  it('every command exits 0 with the server stopped, and stops the cluster it started', async () => {
    for (const [args, out] of COMMANDS) {
      const r = await runFloe(args, env)
      expect({ args, code: r.code, stderr: r.stderr.replace(/^floe db url: the embedded PostgreSQL is not running.*\n/, '') }).toEqual({ args, code: 0, stderr: '' })
      expect(r.stdout).toMatch(out)
      expect(postgresProcesses()).toEqual([])
    }
    const piped = await pipeToSql('select 1 as one;\nselect nope;\nselect 2 as two;\n')
    expect(piped.code).toBe(0)
    expect(piped.stdout).toBe(' one\n-----\n   1\n(1 row)\n\n two\n-----\n   2\n(1 row)\n\n')
    expect(piped.stderr).toMatch(/^ERROR: {2}column "nope" does not exist/)
    expect(postgresProcesses()).toEqual([])
    // The cluster ran on the port `db url` gave before it existed.
    expect(await keptPort()).toBe(Number(new URL(url).port))
  })

  it('with the server running: the same URL connects, every command exits 0, and app tables are closed to anon until a rule', async () => {
    const floe = await startFloeProcess({ ...env, PORT: String(await findFreePort()) }, { timeoutMs: 90_000 })
    try {
      anonKey = /Anon key:\s+(\S+)/.exec(floe.output())?.[1] ?? ''
      expect(anonKey).toMatch(/^floe_anon_/)
      const dbUrl = await runFloe(['db', 'url'], env)
      expect([dbUrl.code, dbUrl.stdout.trim(), dbUrl.stderr]).toEqual([0, url, ''])
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }])
      await client.end()

      for (const [args, out] of COMMANDS) {
        const r = await runFloe(args, env)
        expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' })
        expect(r.stdout).toMatch(out)
      }
      const piped = await pipeToSql('select 3 as three;\n\\q\n')
      expect([piped.code, piped.stdout]).toEqual([0, ' three\n-------\n     3\n(1 row)\n\n'])

      // An app migration applied to the running server's database: the table is closed to anon.
      await writeFile(path.join(migrationsDir, '29990101000000_notes.sql'), "create table notes (id int primary key, body text);\ninsert into notes values (1, 'hi');\n")
      const applied = await runFloe(['migrate'], env)
      expect(applied.code).toBe(0)
      expect(applied.stdout).toMatch(new RegExp(`^applied \\S+_noop\\.sql\\napplied ${migrationsDir}/29990101000000_notes\\.sql\\n$`))
      const read = async () => {
        const res = await fetch(`${floe.url}/rest/v1/notes?select=id`, { headers: { apikey: anonKey } })
        return { status: res.status, body: (await res.json()) as unknown }
      }
      let seen = await read()
      for (let i = 0; i < 100 && seen.status === 404; i++) {
        await new Promise((r) => setTimeout(r, 100)) // the schema cache reloads on the DDL's NOTIFY
        seen = await read()
      }
      expect(seen).toEqual({ status: 200, body: [] })
      await writeFile(path.join(migrationsDir, '29990102000000_notes_public.sql'), 'create policy notes_read on notes for select to anon using (true);\n')
      expect((await runFloe(['migrate'], env)).code).toBe(0)
      expect(await read()).toEqual({ status: 200, body: [{ id: 1 }] })
    } finally {
      floe.signal('SIGINT')
      expect(await floe.exited).toBe(0)
    }
    expect(postgresProcesses()).toEqual([])
  })

  it('keeps the port across starts', async () => {
    const floe = await startFloeProcess({ ...env, PORT: String(await findFreePort()) }, { timeoutMs: 90_000 })
    try {
      expect((await runFloe(['db', 'url'], env)).stdout.trim()).toBe(url)
      expect(await keptPort()).toBe(Number(new URL(url).port))
    } finally {
      floe.signal('SIGINT')
      expect(await floe.exited).toBe(0)
    }
  })

  it('a kept port another program holds stops the start with one line saying which and how to change it', async () => {
    const port = await keptPort()
    const squatter = net.createServer()
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
    try {
      const r = await runFloe(['start'], { ...env, PORT: String(await findFreePort()) })
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(
        `floe: the embedded PostgreSQL's port ${port} (kept in ${dataDir}/embedded-postgres.json) is in use by another program: ` +
          'stop that program, or set FLOE_DB_PORT to a free port (it is kept from then on)\n',
      )
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
    }
    expect(postgresProcesses()).toEqual([])
  })

  it('FLOE_DB_PORT moves the cluster to its port, which is kept from then on', async () => {
    const port = await findFreePort()
    const r = await runFloe(['sql', '-c', 'show port'], { ...env, FLOE_DB_PORT: String(port) })
    expect([r.code, r.stdout]).toEqual([0, ` port\n-------\n ${port}\n(1 row)\n\n`])
    expect(await keptPort()).toBe(port)
    expect(new URL((await runFloe(['db', 'url'], env)).stdout.trim()).port).toBe(String(port))
    // The app migrations written by `floe migration new` are there, empty, and applied.
    const noops = (await readdir(migrationsDir)).filter((f) => f.endsWith('_noop.sql'))
    expect(noops).toHaveLength(2)
  })
})
