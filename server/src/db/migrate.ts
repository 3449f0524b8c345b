import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import type { Logger } from '../log.js'

/** The platform's migrations folder: `<repo>/migrations`, beside `server/`. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url))

/** Any constant, the same for every Floe process: serialises migration runs per database. */
const MIGRATION_LOCK_KEY = 7_261_992_001

export interface Migration {
  version: string
  name: string
  sql: string
  checksum: string
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MigrationError'
  }
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort()
  const out: Migration[] = []
  for (const file of files) {
    const text = await readFile(path.join(dir, file), 'utf8')
    out.push({
      version: file.slice(0, 4),
      name: file,
      sql: text,
      checksum: createHash('sha256').update(text).digest('hex'),
    })
  }
  const seen = new Set<string>()
  for (const m of out) {
    if (seen.has(m.version)) throw new MigrationError(`two migrations share the number ${m.version}`)
    seen.add(m.version)
  }
  return out
}

/**
 * Applies pending migrations in order, each in its own transaction, recorded with its checksum.
 * A session advisory lock makes concurrent runs (two processes booting at once) queue: the second
 * finds everything applied. An applied migration whose file changed is refused.
 */
export async function migrate(pool: pg.Pool, log: Logger, dir = MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(dir)
  const client = await pool.connect()
  let broken = false
  // Migrations tell the operator about a degraded setup with `raise notice 'Floe: ...'` (e.g. no
  // superuser, so no event triggers); Postgres' own notices ("already exists, skipping") stay quiet.
  const onNotice = (n: { message?: string }) => {
    if (n.message?.startsWith('Floe:')) log.warn({ notice: n.message }, 'migration notice')
  }
  client.on('notice', onNotice)
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    try {
      await client.query(`
        create schema if not exists floe;
        revoke all on schema floe from public;
        create table if not exists floe.schema_migrations (
          version    text primary key,
          name       text not null,
          checksum   text not null,
          applied_at timestamptz not null default now()
        );`)
      const { rows } = await client.query<{ version: string; name: string; checksum: string }>(
        'select version, name, checksum from floe.schema_migrations order by version',
      )
      const applied = new Map(rows.map((r) => [r.version, r]))
      for (const m of migrations) {
        const done = applied.get(m.version)
        if (done && done.checksum !== m.checksum) {
          throw new MigrationError(
            `migration ${m.name} was changed after it was applied (checksum ${m.checksum.slice(0, 12)} ≠ recorded ${done.checksum.slice(0, 12)}); ` +
              'applied migrations are never edited: add a new one instead',
          )
        }
      }
      const known = new Set(migrations.map((m) => m.version))
      for (const r of rows) {
        if (!known.has(r.version)) log.warn({ migration: r.name }, 'database has a migration this server does not know (newer version?)')
      }
      const appliedNow: string[] = []
      for (const m of migrations) {
        if (applied.has(m.version)) continue
        const started = performance.now()
        try {
          await client.query('begin')
          await client.query(m.sql)
          await client.query('insert into floe.schema_migrations (version, name, checksum) values ($1, $2, $3)', [
            m.version,
            m.name,
            m.checksum,
          ])
          await client.query('commit')
        } catch (err) {
          await client.query('rollback').catch(() => {
            broken = true
          })
          const reason = err instanceof Error ? err.message : String(err)
          throw new MigrationError(`migration ${m.name} failed and was rolled back: ${reason}`)
        }
        appliedNow.push(m.name)
        log.info({ migration: m.name, ms: Math.round(performance.now() - started) }, 'migration applied')
      }
      return { applied: appliedNow }
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {
        broken = true
      })
    }
  } finally {
    client.off('notice', onNotice)
    client.release(broken)
  }
}
