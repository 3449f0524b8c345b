/**
 * `floe backup` / `floe restore` on a DATABASE_URL database (pg_dump / pg_restore of the
 * machine's PostgreSQL), with the filesystem store and with S3 (s3rver): the real binary backs
 * up a running server, restores into an empty database and an empty store, and a server started
 * on them has the rows, the rule, the user's password, the keys, the queue and the file's bytes.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { checkRestored, readKeys, seedApi, seedSql, startFloe, type Seed } from './backup-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { runFloe } from './process.js'
import { startBackend, type BackendKind, type TestBackend } from './storage-helpers.js'

const redisUrl = inject('redisUrl')
const work = await mkdtemp(path.join(os.tmpdir(), 'floe-backup-'))
const cleanup: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined)
  await rm(work, { recursive: true, force: true })
})

async function database(options?: { migrated?: boolean }): Promise<TestDatabase> {
  const t = await createTestDatabase(options)
  cleanup.push(() => t.drop())
  return t
}

async function backend(kind: BackendKind): Promise<TestBackend> {
  const b = await startBackend(kind)
  cleanup.push(() => b.close())
  return b
}

/** The filesystem case's archive, its seed and store, for the restore into the embedded default below. */
let fromUrl: { file: string; seed: Seed; store: TestBackend } | undefined

describe.each<BackendKind>(['filesystem', 's3'])('floe backup and restore with DATABASE_URL (%s store)', (kind) => {
  it('restores rows, rules, users, keys, queues and files into an empty database and store', { timeout: 240_000 }, async () => {
    const [src, dst] = [await database(), await database({ migrated: false })]
    const [storeA, storeB] = [await backend(kind), await backend(kind)]
    const common = { AUTH_REQUIRE_EMAIL_VERIFICATION: 'false', LOG_LEVEL: 'warn' }
    const envA = { ...common, ...storeA.env, DATABASE_URL: src.url }
    const envB = { ...common, ...storeB.env, DATABASE_URL: dst.url }
    await seedSql(src.url)

    const a = await startFloe({ ...envA, PORT: String(await findFreePort()) }, redisUrl)
    const file = path.join(work, `${kind}.floe-backup.tar`)
    let seed
    try {
      seed = await seedApi(a.floe, await readKeys(envA))
      // Backed up while the server runs, as an operator's cron would.
      const t0 = Date.now()
      const backup = await runFloe(['backup', file], envA)
      expect(backup.code, backup.stderr + backup.stdout).toBe(0)
      console.log(`[backup ${kind}] backup ${Date.now() - t0} ms, ${(await stat(file)).size} bytes; ${backup.stdout.trim()}`)
      expect(backup.stdout).toMatch(/backup written to .*pg_dump of PostgreSQL .*, 1 objects/)
      expect(backup.stderr).toMatch(/database dumped with .*pg_dump/)
    } finally {
      await a.stop()
    }

    const t1 = Date.now()
    const restore = await runFloe(['restore', file], envB)
    expect(restore.code, restore.stderr + restore.stdout).toBe(0)
    console.log(`[backup ${kind}] restore ${Date.now() - t1} ms; ${restore.stdout.trim()}`)
    expect(restore.stderr).toMatch(/archive checked: \d+ entries match the manifest/)

    // A second restore onto what is now a full database and store is refused in one line.
    const again = await runFloe(['restore', file], envB)
    expect(again.code).toBe(1)
    expect(again.stderr.trim().split('\n').at(-1)).toMatch(/^floe: the object store is not empty \(.*\): restore needs an empty store$/)

    if (kind === 'filesystem') fromUrl = { file, seed, store: storeA }
    const b = await startFloe({ ...envB, PORT: String(await findFreePort()) }, redisUrl)
    try {
      await checkRestored(b.floe, seed)
      // The same keys: `floe keys` on the restored instance shows the backed-up ones.
      expect(await readKeys(envB)).toEqual({ anonKey: seed.anonKey, serviceKey: seed.serviceKey })
    } finally {
      await b.stop()
    }
  })
})

describe('floe restore of a DATABASE_URL backup into the embedded default', () => {
  it('moves the instance onto the embedded PostgreSQL (pg_restore of the dump\'s version into 18)', { timeout: 240_000 }, async () => {
    if (!fromUrl) throw new Error('needs the filesystem case above to have made its archive')
    const dir = await mkdtemp(path.join(os.tmpdir(), 'floe-backup-embedded-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const env = { AUTH_REQUIRE_EMAIL_VERIFICATION: 'false', LOG_LEVEL: 'warn', FLOE_DATA_DIR: dir }
    const restore = await runFloe(['restore', fromUrl.file], env)
    expect(restore.code, restore.stderr + restore.stdout).toBe(0)
    const b = await startFloe({ ...env, PORT: String(await findFreePort()) }, redisUrl)
    try {
      await checkRestored(b.floe, fromUrl.seed)
    } finally {
      await b.stop()
    }
  })
})

describe('floe restore refusals', () => {
  it('refuses a database that is not empty, in one line, before writing anything', { timeout: 120_000 }, async () => {
    const [src, dst] = [await database(), await database()]
    const [storeA, storeB] = [await backend('filesystem'), await backend('filesystem')]
    const file = path.join(work, 'refuse.tar')
    const backup = await runFloe(['backup', file], { ...storeA.env, DATABASE_URL: src.url, LOG_LEVEL: 'warn' })
    expect(backup.code, backup.stderr).toBe(0)
    const restore = await runFloe(['restore', file], { ...storeB.env, DATABASE_URL: dst.url, LOG_LEVEL: 'warn' })
    expect(restore.code).toBe(1)
    expect(restore.stderr.trim().split('\n').at(-1)).toMatch(/^floe: the target database is not empty \(it has .*\): restore needs an empty database$/)
  })

  it('refuses a file that is not a backup, and a damaged one', { timeout: 60_000 }, async () => {
    const env = { DATABASE_URL: 'postgres://127.0.0.1:1/none', FLOE_DATA_DIR: work, LOG_LEVEL: 'warn' }
    const notTar = path.join(work, 'not-a-backup.tar')
    await import('node:fs/promises').then((fs) => fs.writeFile(notTar, 'hello'))
    const r = await runFloe(['restore', notTar], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^floe: .*(not a readable backup archive|not a Floe backup)/m)
    if (fromUrl) {
      // One byte changed inside the dump (past the first tar header): the checksum catches it.
      const fs = await import('node:fs/promises')
      const bytes = await fs.readFile(fromUrl.file)
      bytes[4096] = bytes[4096]! ^ 0xff
      const damaged = path.join(work, 'damaged.tar')
      await fs.writeFile(damaged, bytes)
      const d = await runFloe(['restore', damaged], env)
      expect(d.code).toBe(1)
      expect(d.stderr.trim().split('\n').at(-1)).toBe('floe: the backup is damaged: database/dump.pgcustom does not match its checksum')
    }
    const missing = await runFloe(['backup'], env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/usage: floe backup <file>/)
  })
})
