/**
 * `floe sql` and `floe db url` through the real binary on the machine's PostgreSQL (DATABASE_URL):
 * -c and -f (psql's tables, command tags, the first error with its line and a caret, exit 1,
 * the statements before it kept), the prompt fed on stdin (an error, then it goes on; `\q`), and
 * bad options as one line.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'
import { cleanEnv, REPO_ROOT, runFloe } from './process.js'

let t: TestDatabase
let dir: string
let env: Record<string, string>
beforeAll(async () => {
  t = await createTestDatabase()
  dir = await mkdtemp(path.join(os.tmpdir(), 'floe-sql-'))
  env = { DATABASE_URL: t.url, LOG_LEVEL: 'warn' }
})
afterAll(async () => {
  await t.drop()
  await rm(dir, { recursive: true, force: true })
})

/** `floe sql` with `input` piped to its stdin, as `echo ... | floe sql` does. */
const runPrompt = (input: string) => runFloe(['sql'], env, REPO_ROOT, input)

describe('floe sql', { timeout: 120_000 }, () => {
  it('-c prints results as aligned tables and commands by their tag, exit 0', async () => {
    const r = await runFloe(
      ['sql', '-c', "create table pets (id int primary key, name text, note text); insert into pets values (1, 'Rex', 'two\nlines'), (22, null, null); select * from pets order by id"],
      env,
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      [
        'CREATE TABLE',
        'INSERT 0 2',
        ' id | name | note',
        '----+------+-------',
        '  1 | Rex  | two  +',
        '    |      | lines',
        ' 22 |      | ',
        '(2 rows)',
        '',
        '',
      ].join('\n'),
    )
  })

  it('runs as the database owner', async () => {
    const r = await runFloe(['sql', '-c', 'select current_user = (select usename from pg_user where usesysid = d.datdba) as owner from pg_database d where datname = current_database()'], env)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(' t\n(1 row)')
  })

  it('-c stops at the first error: psql-style message with a caret, exit 1, earlier statements kept', async () => {
    const r = await runFloe(['sql', '-c', 'create table kept (id int);\nselect\n  nope from kept;\ncreate table never (id int);'], env)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('CREATE TABLE\n')
    expect(r.stderr).toBe(['ERROR:  column "nope" does not exist (SQLSTATE 42703)', 'LINE 3:   nope from kept;', '          ^', ''].join('\n'))
    const client = new pg.Client({ connectionString: t.url })
    await client.connect()
    const { rows } = await client.query(`select to_regclass('kept') is not null as kept, to_regclass('never') is not null as never`)
    await client.end()
    expect(rows).toEqual([{ kept: true, never: false }])
  })

  it('-f runs a file, naming the file and line of an error', async () => {
    const ok = path.join(dir, 'ok.sql')
    await writeFile(ok, "-- a comment; with a semicolon\ncreate function two() returns int language sql as $$ select 2; $$;\nselect two() as two\n")
    const good = await runFloe(['sql', '-f', ok], env)
    expect(good.code).toBe(0)
    expect(good.stdout).toBe('CREATE FUNCTION\n two\n-----\n   2\n(1 row)\n\n')

    const bad = path.join(dir, 'bad.sql')
    await writeFile(bad, 'select 1 as one;\n\nselec 2;\n')
    const r = await runFloe(['sql', '-f', bad], env)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe(' one\n-----\n   1\n(1 row)\n\n')
    expect(r.stderr).toBe([`${bad}:3: ERROR:  syntax error at or near "selec" (SQLSTATE 42601)`, 'LINE 3: selec 2;', '        ^', ''].join('\n'))
  })

  it('reads statements from stdin: one over several lines, an error, then it goes on until \\q', async () => {
    const r = await runPrompt("select 1 as a;\nselect\n  'x' as b\n;\nselect nope;\nselect 3 as c; \\q\n\\q\nselect 4 as never;\n")
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(' a\n---\n 1\n(1 row)\n\n b\n---\n x\n(1 row)\n\n c\n---\n 3\n(1 row)\n\n')
    expect(r.stderr).toBe(['ERROR:  column "nope" does not exist (SQLSTATE 42703)', 'LINE 1: select nope;', ' '.repeat('LINE 1: select '.length) + '^', ''].join('\n'))
  })

  it('runs an unfinished last statement at the end of piped input, as psql does', async () => {
    const r = await runPrompt('select 5 as five')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(' five\n------\n    5\n(1 row)\n\n')
  })

  it.each([
    [['sql', '-f', '/nonexistent/x.sql'], 'floe sql: cannot read /nonexistent/x.sql: no such file'],
    [['sql', '-c'], 'floe sql: -c needs a value'],
    [['sql', '-c', 'select 1', '-f', 'x.sql'], 'floe sql: -c or -f, not both'],
    [['sql', 'select 1'], 'floe sql: unexpected "select 1" (floe sql, floe sql -c "<sql>" or floe sql -f <file>)'],
    [['sql', '--nope'], 'floe sql: unknown option --nope (see floe help)'],
    [['db'], 'floe db: expected "floe db url"'],
    [['nope'], 'floe: unknown command "nope" (floe help lists them)'],
  ])('refuses %j with one line and exit code 1', async (args, line) => {
    const r = await runFloe(args, env)
    expect([r.code, r.stderr, r.stdout]).toEqual([1, line + '\n', ''])
  })

  it('cannot reach the database: one line, exit 1', async () => {
    const r = await runFloe(['sql', '-c', 'select 1'], { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^floe sql: cannot connect to the database \(DATABASE_URL\): .*ECONNREFUSED.*\n$/)
  })
})

describe('floe db url with DATABASE_URL', { timeout: 120_000 }, () => {
  it('runs from the repository root as pnpm floe (-s: without pnpm\'s header)', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile('pnpm', ['-s', 'floe', 'db', 'url'], { cwd: REPO_ROOT, env: cleanEnv(env) }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    )
    expect(out).toBe(`${t.url}\n`)
  })

  it('prints it, and it connects', async () => {
    const r = await runFloe(['db', 'url'], env)
    expect([r.code, r.stdout, r.stderr]).toEqual([0, `${t.url}\n`, ''])
    const client = new pg.Client({ connectionString: r.stdout.trim() })
    await client.connect()
    expect((await client.query('select current_database() as db')).rows).toEqual([{ db: t.name }])
    await client.end()
  })
})
