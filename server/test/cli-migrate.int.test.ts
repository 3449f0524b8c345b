/**
 * The app's migrations through the real `floe` binary on the machine's PostgreSQL (DATABASE_URL):
 * `floe migration new`, `floe migrate` (order, one transaction per file, the advisory lock shared
 * by concurrent runs), `--status`, `--dry-run`, a failing file (its name and line, nothing of it
 * applied, exit 1; the same stop at `floe start`; two servers booting at once apply each file
 * once), a changed file reported, and the fail-closed RLS of a table a migration creates.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { runFloe, startFloeProcess } from './process.js'

const dbs: TestDatabase[] = []
const dirs: string[] = []
afterAll(async () => {
  for (const d of dbs) await d.drop()
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

let t: TestDatabase
let dir: string
let env: Record<string, string>
beforeEach(async () => {
  t = await createTestDatabase()
  dbs.push(t)
  dir = await mkdtemp(path.join(os.tmpdir(), 'floe-app-mig-'))
  dirs.push(dir)
  env = { DATABASE_URL: t.url, FLOE_MIGRATIONS_DIR: dir, LOG_LEVEL: 'warn' }
})

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: t.url })
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  } finally {
    await client.end()
  }
}

const exists = async (table: string) => (await query<{ t: string | null }>('select to_regclass($1)::text as t', [table]))[0]!.t !== null

describe('floe migration new', { timeout: 120_000 }, () => {
  it('writes an empty <YYYYMMDDHHMMSS>_<name>.sql, a new version each time', async () => {
    const before = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
    const a = await runFloe(['migration', 'new', 'create_todos'], env)
    const b = await runFloe(['migration', 'new', 'create_todos'], env)
    expect([a.code, b.code]).toEqual([0, 0])
    const files = (await readdir(dir)).sort()
    expect(files).toHaveLength(2)
    for (const f of files) expect(f).toMatch(/^\d{14}_create_todos\.sql$/)
    expect(files[0]!.slice(0, 14) >= before).toBe(true)
    expect(files[0]!.slice(0, 14)).not.toBe(files[1]!.slice(0, 14))
    expect(a.stdout).toBe(`created ${path.join(dir, files[0]!)}\n`)
    expect(await readFile(path.join(dir, files[0]!), 'utf8')).toBe('')
  })

  it.each([
    [['migration', 'new', 'Create Todos'], 'floe migration new: "Create Todos" is not a migration name: use lower-case letters, digits, _ and - (e.g. create_todos)'],
    [['migration', 'new'], 'floe migration new: give one name, e.g. floe migration new create_todos'],
    [['migration', 'old', 'x'], 'floe migration: expected "floe migration new <name>"'],
    [['migrate', '--force'], 'floe migrate: unknown option --force (see floe help)'],
    [['migrate', '--status', '--dry-run'], 'floe migrate: --status or --dry-run, not both'],
  ])('refuses %j with one line and exit code 1', async (args, line) => {
    const r = await runFloe(args, env)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(line + '\n')
    expect(await readdir(dir)).toEqual([])
  })
})

describe('floe migrate', { timeout: 120_000 }, () => {
  it('applies pending files in order, each once; --status and --dry-run say so and change nothing', async () => {
    await writeFile(path.join(dir, '20260101000000_notes.sql'), 'create table notes (id int primary key, body text);\n')
    await writeFile(path.join(dir, '20260102000000_seed.sql'), "insert into notes values (1, 'a;b'), (2, $$c;d$$);\n")

    const dry = await runFloe(['migrate', '--dry-run'], env)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toBe(
      `would apply, in this order (dry run: nothing applied):\n  ${dir}/20260101000000_notes.sql\n  ${dir}/20260102000000_seed.sql\n`,
    )
    expect(await exists('public.notes')).toBe(false)
    const pending = await runFloe(['migrate', '--status'], env)
    expect(pending.code).toBe(0)
    expect(pending.stdout).toMatch(/^Floe's migrations: \d+ applied, 0 pending\n/)
    expect(pending.stdout).toContain(`  pending  ${dir}/20260101000000_notes.sql\n`)
    expect(pending.stdout).toMatch(/0 applied, 2 pending\n$/)

    const run = await runFloe(['migrate'], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`applied ${dir}/20260101000000_notes.sql\napplied ${dir}/20260102000000_seed.sql\n`)
    expect(await query('select id, body from notes order by id')).toEqual([
      { id: 1, body: 'a;b' },
      { id: 2, body: 'c;d' },
    ])
    const again = await runFloe(['migrate'], env)
    expect(again.stdout).toBe('nothing to apply: the database is up to date\n')
    expect(await query('select version, name from floe.app_migrations order by version')).toEqual([
      { version: '20260101000000', name: '20260101000000_notes.sql' },
      { version: '20260102000000', name: '20260102000000_seed.sql' },
    ])

    const status = await runFloe(['migrate', '--status'], env)
    expect(status.stdout).toMatch(new RegExp(`  applied  ${dir}/20260101000000_notes.sql  \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\)\\n`))
    expect(status.stdout).toMatch(/2 applied, 0 pending\n$/)
    expect((await runFloe(['migrate', '--dry-run'], env)).stdout).toBe('nothing to apply: the database is up to date\n')

    // An applied file edited afterwards: reported, not applied again.
    await writeFile(path.join(dir, '20260102000000_seed.sql'), "insert into notes values (3, 'x');\n")
    const changed = await runFloe(['migrate'], env)
    expect(changed.code).toBe(0)
    expect(changed.stdout).toContain(`warning: ${dir}/20260102000000_seed.sql changed after it was applied`)
    expect((await runFloe(['migrate', '--status'], env)).stdout).toContain(`  changed  `)
    expect(await query('select count(*)::int as n from notes')).toEqual([{ n: 2 }])
  })

  it('rolls a failing file back whole and stops with its name and line, exit 1; floe start stops the same way', async () => {
    await writeFile(path.join(dir, '20260101000000_ok.sql'), 'create table ok (id int);\n')
    const bad = path.join(dir, '20260102000000_bad.sql')
    await writeFile(bad, '-- a table, then a mistake\ncreate table half (id int);\n\ninsert into half\n  select nope\n  from ok;\n')
    await writeFile(path.join(dir, '20260103000000_after.sql'), 'create table after_bad (id int);\n')

    const r = await runFloe(['migrate'], env)
    expect(r.code).toBe(1)
    const message = `floe: migration ${bad} failed at line 5 and was rolled back (nothing of it applied): column "nope" does not exist`
    expect(r.stderr).toBe(message + '\n')
    expect(await exists('public.ok')).toBe(true) // the file before it, in its own transaction
    expect(await exists('public.half')).toBe(false) // nothing half-applied
    expect(await exists('public.after_bad')).toBe(false) // stopped there
    expect(await query('select name from floe.app_migrations')).toEqual([{ name: '20260101000000_ok.sql' }])

    // An error without a position (at run time) names the line where its statement starts.
    await writeFile(bad, 'create table half (id int);\n\nselect 1/0;\n')
    expect((await runFloe(['migrate'], env)).stderr).toBe(
      `floe: migration ${bad} failed at line 3 and was rolled back (nothing of it applied): division by zero\n`,
    )

    await writeFile(bad, '-- a table, then a mistake\ncreate table half (id int);\n\ninsert into half\n  select nope\n  from ok;\n')
    const boot = await runFloe(['start'], { ...env, PORT: String(await findFreePort()) })
    expect(boot.code).toBe(1)
    expect(boot.stderr.trim().split('\n').at(-1)).toBe(message)
    expect(boot.stdout + boot.stderr).not.toMatch(/\n\s+at /)
  })

  it('refuses a transaction statement inside a file (each file already has its own)', async () => {
    const file = path.join(dir, '20260101000000_tx.sql')
    await writeFile(file, 'begin;\ncreate table tx (id int);\ncommit;\n')
    const r = await runFloe(['migrate'], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      `floe: migration ${file} has a transaction statement at line 1 (begin;): each migration already runs in a transaction of its own; remove it\n`,
    )
    expect(await exists('public.tx')).toBe(false)
  })

  it('refuses a .sql file not named <version>_<name>.sql before applying anything', async () => {
    await writeFile(path.join(dir, '20260101000000_ok.sql'), 'create table ok (id int);\n')
    await writeFile(path.join(dir, 'notes.sql'), 'create table notes (id int);\n')
    const r = await runFloe(['migrate'], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      `floe: ${dir}/notes.sql: a migration's file name must be <YYYYMMDDHHMMSS>_<name>.sql (create one with \`floe migration new <name>\`)\n`,
    )
    expect(await exists('public.ok')).toBe(false)
  })

  it('applies each file once when two migrate runs start at once (advisory lock)', async () => {
    await writeFile(path.join(dir, '20260101000000_slow.sql'), 'select pg_sleep(0.5);\ncreate table once (id int);\n')
    await writeFile(path.join(dir, '20260102000000_row.sql'), 'insert into once values (1);\n')
    const [a, b] = await Promise.all([runFloe(['migrate'], env), runFloe(['migrate'], env)])
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', ''])
    const outputs = [a.stdout, b.stdout].sort()
    expect(outputs).toEqual([
      `applied ${dir}/20260101000000_slow.sql\napplied ${dir}/20260102000000_row.sql\n`,
      'nothing to apply: the database is up to date\n',
    ])
    expect(await query('select count(*)::int as n from once')).toEqual([{ n: 1 }])
  })

  it('applies each file once when two servers boot at once with app migrations pending', async () => {
    const fresh = await createTestDatabase({ migrated: false })
    dbs.push(fresh)
    await writeFile(path.join(dir, '20260101000000_slow.sql'), 'select pg_sleep(0.5);\ncreate table booted (id int);\ninsert into booted values (1);\n')
    const boot = { ...env, DATABASE_URL: fresh.url, RATE_LIMIT_PER_IP: '0' }
    const [a, b] = await Promise.all([
      startFloeProcess({ ...boot, PORT: String(await findFreePort()) }, { timeoutMs: 90_000 }),
      startFloeProcess({ ...boot, PORT: String(await findFreePort()) }, { timeoutMs: 90_000 }),
    ])
    try {
      const client = new pg.Client({ connectionString: fresh.url })
      await client.connect()
      const rows = (await client.query('select count(*)::int as n from booted')).rows
      const recorded = (await client.query('select name from floe.app_migrations')).rows
      await client.end()
      expect(rows).toEqual([{ n: 1 }])
      expect(recorded).toEqual([{ name: '20260101000000_slow.sql' }])
    } finally {
      a.signal('SIGTERM')
      b.signal('SIGTERM')
      expect([await a.exited, await b.exited]).toEqual([0, 0])
    }
  })

  it('closes a table a migration creates in an exposed schema the migration itself creates', async () => {
    await writeFile(path.join(dir, '20260101000000_api.sql'), 'create schema api;\ncreate table api.items (id int primary key);\n')
    expect((await runFloe(['migrate'], { ...env, FLOE_DB_SCHEMAS: 'public,api' })).code).toBe(0)
    expect(await query("select relrowsecurity as on from pg_class where oid = 'api.items'::regclass")).toEqual([{ on: true }])
  })

  it('closes a table a migration creates: anon reads nothing until a rule exists', async () => {
    await writeFile(path.join(dir, '20260101000000_posts.sql'), "create table posts (id int primary key, title text);\ninsert into posts values (1, 'hello');\n")
    expect((await runFloe(['migrate'], env)).code).toBe(0)
    const client = new pg.Client({ connectionString: t.url })
    await client.connect()
    try {
      const rls = await client.query<{ on: boolean }>("select relrowsecurity as on from pg_class where oid = 'public.posts'::regclass")
      expect(rls.rows).toEqual([{ on: true }])
      await client.query('set role anon')
      expect((await client.query('select id from posts')).rows).toEqual([])
      await client.query('reset role')
    } finally {
      await client.end()
    }
    await writeFile(path.join(dir, '20260102000000_posts_public.sql'), 'create policy posts_read on posts for select to anon using (true);\n')
    expect((await runFloe(['migrate'], env)).code).toBe(0)
    const reader = new pg.Client({ connectionString: t.url })
    await reader.connect()
    try {
      await reader.query('set role anon')
      expect((await reader.query('select id from posts')).rows).toEqual([{ id: 1 }])
    } finally {
      await reader.end()
    }
  })
})
