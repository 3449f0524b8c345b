import { cp, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort, migrate, MigrationError, MIGRATIONS_DIR } from '../src/db/index.js'
import { createLogger } from '../src/log.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { runFloe, startFloeProcess } from './process.js'

const dbs: TestDatabase[] = []
afterAll(async () => {
  for (const d of dbs) await d.drop()
})

describe('boot', () => {
  it('stops on PORT=abc with one line naming the variable', async () => {
    const r = await runFloe(['start'], { PORT: 'abc' })
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual(['floe: invalid configuration: PORT: expected a port number (1-65535) (got "abc")'])
  })

  it('stops on a malformed DATABASE_URL with one line naming it', async () => {
    const r = await runFloe(['start'], { DATABASE_URL: 'not a url' })
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^floe: invalid configuration: DATABASE_URL: expected a URL like postgres:\/\//)
  })

  it('applies the migrations once when two servers boot at once on a fresh database', async () => {
    const t = await createTestDatabase({ migrated: false })
    dbs.push(t)
    const [portA, portB] = [await findFreePort(), await findFreePort()]
    const env = { DATABASE_URL: t.url, LOG_LEVEL: 'info', RATE_LIMIT_PER_IP: '0' }
    const [a, b] = await Promise.all([
      startFloeProcess({ ...env, PORT: String(portA) }),
      startFloeProcess({ ...env, PORT: String(portB) }),
    ])
    try {
      const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql'))
      const applied = (a.output() + b.output()).split('\n').filter((l) => l.includes('"migration applied"'))
      expect(applied).toHaveLength(files.length)
      const client = new pg.Client({ connectionString: t.url })
      await client.connect()
      const { rows } = await client.query('select name from floe.schema_migrations order by version')
      const keys = await client.query(`select kind from floe.api_keys where revoked_at is null order by kind`)
      await client.end()
      expect(rows.map((r) => r.name)).toEqual(files.sort())
      // Both processes agree on one set of generated keys.
      expect(keys.rows.map((r) => r.kind)).toEqual(['anon', 'service'])
      for (const p of [a, b]) expect((await fetch(`${p.url}/ready`)).status).toBe(200)
    } finally {
      a.signal('SIGTERM')
      b.signal('SIGTERM')
      expect(await a.exited).toBe(0)
      expect(await b.exited).toBe(0)
    }
  })

  it('refuses an applied migration whose file was edited', async () => {
    const t = await createTestDatabase({ migrated: false })
    dbs.push(t)
    const dir = await mkdtemp(path.join(os.tmpdir(), 'floe-mig-'))
    await cp(MIGRATIONS_DIR, dir, { recursive: true })
    const pool = new pg.Pool({ connectionString: t.url, max: 1 })
    const log = createLogger('silent')
    try {
      await migrate(pool, log, dir)
      expect((await migrate(pool, log, dir)).applied).toEqual([])
      await writeFile(path.join(dir, '0002_platform_secrets_and_keys.sql'), '-- edited\n', { flag: 'a' })
      await expect(migrate(pool, log, dir)).rejects.toThrow(MigrationError)
      await expect(migrate(pool, log, dir)).rejects.toThrow(/0002_platform_secrets_and_keys.sql was changed after it was applied/)
    } finally {
      await pool.end()
    }
  })

  it('rolls back a failing migration whole', async () => {
    const t = await createTestDatabase({ migrated: false })
    dbs.push(t)
    const dir = await mkdtemp(path.join(os.tmpdir(), 'floe-mig-'))
    await writeFile(path.join(dir, '0001_ok.sql'), 'create table ok_table (id int);')
    await writeFile(path.join(dir, '0002_bad.sql'), 'create table half_done (id int);\nselect no_such_function();')
    const pool = new pg.Pool({ connectionString: t.url, max: 1 })
    try {
      await expect(migrate(pool, createLogger('silent'), dir)).rejects.toThrow(/0002_bad.sql failed and was rolled back/)
      const { rows } = await pool.query(`select to_regclass('public.ok_table') is not null as ok, to_regclass('public.half_done') is not null as half`)
      expect(rows[0]).toEqual({ ok: true, half: false })
    } finally {
      await pool.end()
    }
  })
})
