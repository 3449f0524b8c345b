/**
 * `floe backup` / `floe restore` on the zero-config default: no DATABASE_URL, the embedded
 * PostgreSQL 18 (no pg_dump of its version exists on the machine, so the backup is an online
 * copy of the cluster's files plus WAL) and the filesystem store under FLOE_DATA_DIR.
 */
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import pg from 'pg'
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { checkRestored, readKeys, seedApi, seedSql, startFloe } from './backup-helpers.js'
import { runFloe } from './process.js'

const redisUrl = inject('redisUrl')
// Under the system's temporary folder, which the OS user postgres (Floe runs as root here) can reach.
const dirs: string[] = []
async function dataDir(name: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), `floe-bk-${name}-`))
  dirs.push(d)
  return d
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

async function embeddedUrl(dir: string): Promise<string> {
  const state = JSON.parse(await readFile(path.join(dir, 'embedded-postgres.json'), 'utf8')) as { password: string; port: number }
  return `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/postgres`
}

describe('floe backup and restore on the embedded PostgreSQL', () => {
  it('copies the running cluster and restores it into an empty FLOE_DATA_DIR', { timeout: 300_000 }, async () => {
    const [dirA, dirB, files] = [await dataDir('a'), await dataDir('b'), await dataDir('files')]
    const common = { AUTH_REQUIRE_EMAIL_VERIFICATION: 'false', LOG_LEVEL: 'warn' }
    const envA = { ...common, FLOE_DATA_DIR: dirA }
    const envB = { ...common, FLOE_DATA_DIR: dirB }
    const file = path.join(files, 'embedded.tar')

    const a = await startFloe({ ...envA, PORT: String(await findFreePort()) }, redisUrl)
    let seed
    try {
      await seedSql(await embeddedUrl(dirA))
      seed = await seedApi(a.floe, await readKeys(envA))
      // A writer commits pairs of rows (and forces checkpoints) all through the copy: the restored
      // cluster must hold whole transactions only, as of the copy's end.
      const writer = new pg.Client({ connectionString: await embeddedUrl(dirA) })
      await writer.connect()
      await writer.query('create table public.pair_a (id int primary key); create table public.pair_b (id int primary key)')
      let writing = true
      let written = 0
      const writes = (async () => {
        while (writing) {
          written++
          await writer.query(`begin; insert into public.pair_a values (${written}); insert into public.pair_b values (${written}); commit`)
          if (written % 25 === 0) await writer.query('checkpoint')
        }
      })()
      const t0 = Date.now()
      const backup = await runFloe(['backup', file], envA)
      writing = false
      await writes
      await writer.end()
      expect(backup.code, backup.stderr + backup.stdout).toBe(0)
      console.log(`[backup embedded] ${written} paired inserts committed while the backup ran`)
      console.log(`[backup embedded] online backup ${Date.now() - t0} ms, ${(await stat(file)).size} bytes; ${backup.stdout.trim().split('\n').at(-1)}`)
      expect(backup.stdout).toMatch(/embedded PostgreSQL 18\.\S+ cluster, .* 1 objects/)
      expect(backup.stderr).toMatch(/embedded cluster copied: \d+ files and \d+ WAL segments/)
    } finally {
      await a.stop()
    }

    // With the server stopped, the command starts the cluster itself for the copy.
    const offline = await runFloe(['backup', path.join(files, 'offline.tar')], envA)
    expect(offline.code, offline.stderr + offline.stdout).toBe(0)

    const t1 = Date.now()
    const restore = await runFloe(['restore', file], envB)
    expect(restore.code, restore.stderr + restore.stdout).toBe(0)
    console.log(`[backup embedded] restore ${Date.now() - t1} ms; ${restore.stdout.trim().split('\n').at(-1)}`)
    expect(restore.stderr).toMatch(/starting the restored cluster \(replaying its WAL\)/)
    expect(existsSync(path.join(dirB, 'pg', 'PG_VERSION'))).toBe(true)

    // Restoring again onto it is refused in one line.
    const again = await runFloe(['restore', file], envB)
    expect(again.code).toBe(1)
    expect(again.stderr.trim().split('\n').at(-1)).toMatch(/^floe: .*(not empty|already holds a database cluster)/)
    // So is a pg_dump-less mismatch: this archive cannot go into a DATABASE_URL database.
    const wrongTarget = await runFloe(['restore', file], { ...envB, DATABASE_URL: 'postgres://127.0.0.1:1/none' })
    expect(wrongTarget.stderr.trim().split('\n').at(-1)).toMatch(/^floe: the backup is a copy of an embedded PostgreSQL cluster: restore it without DATABASE_URL/)

    const b = await startFloe({ ...envB, PORT: String(await findFreePort()) }, redisUrl)
    try {
      await checkRestored(b.floe, seed)
      const c = new pg.Client({ connectionString: await embeddedUrl(dirB) })
      await c.connect()
      const pairs = await c.query<{ a: number; b: number }>('select (select count(*) from public.pair_a)::int as a, (select count(*) from public.pair_b)::int as b').finally(() => c.end())
      console.log(`[backup embedded] restored ${pairs.rows[0]!.a} of the pairs`)
      expect(pairs.rows[0]!.a).toBe(pairs.rows[0]!.b)
      expect(await readKeys(envB)).toEqual({ anonKey: seed.anonKey, serviceKey: seed.serviceKey })
    } finally {
      await b.stop()
    }
  })
})
