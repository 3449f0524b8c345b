import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import type { Logger } from '../log.js'
import {
  ensureAppMigrationsTable,
  listAppliedAppMigrations,
  MigrationError,
  readAppMigrations,
  runMigrationStatements,
  type AppMigration,
  type AppliedAppMigration,
} from './app-migrations.js'
import { lineAt, offsetOfPosition } from './split-sql.js'

export { MigrationError }

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

export interface MigrateOptions {
  /** FLOE_MIGRATIONS_DIR: the app's own migrations, applied after the platform's. */
  appDir?: string | undefined
  /** FLOE_DB_SCHEMAS, written for the RLS event trigger before app migrations create tables. */
  exposedSchemas?: string[] | undefined
}

export interface MigrateResult {
  /** Platform migrations applied by this run. */
  applied: string[]
  /** App migrations applied by this run (their paths). */
  appApplied: string[]
  /** Applied app migrations whose file has changed since (paths). */
  appChanged: string[]
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
 * Applies pending migrations in order, platform then app (`options.appDir`), each in its own
 * transaction, recorded with its checksum. A session advisory lock makes concurrent runs (several
 * replicas booting at once) queue: the next finds everything applied. An applied platform
 * migration whose file changed is refused; an app one is reported (app-migrations.ts).
 */
export async function migrate(pool: pg.Pool, log: Logger, dir = MIGRATIONS_DIR, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = await readMigrations(dir)
  // Read before the lock: a malformed folder stops here, with nothing applied.
  const app = options.appDir ? await readAppMigrations(options.appDir) : []
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
          const position = Number((err as { position?: string }).position)
          const at = position > 0 ? ` (line ${lineAt(m.sql, offsetOfPosition(m.sql, position))})` : ''
          throw new MigrationError(`migration ${m.name} failed and was rolled back${at}: ${reason}`)
        }
        appliedNow.push(m.name)
        log.info({ migration: m.name, ms: Math.round(performance.now() - started) }, 'migration applied')
      }
      if (!options.appDir) return { applied: appliedNow, appApplied: [], appChanged: [] }
      const appRun = await applyAppMigrations(client, app, options, log).catch((err: unknown) => {
        if (!(err instanceof MigrationError)) broken = true
        throw err
      })
      return { applied: appliedNow, ...appRun }
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

/** The app part of `migrate`, on its locked client: pending files in order, one transaction each. */
async function applyAppMigrations(
  client: pg.PoolClient,
  migrations: AppMigration[],
  options: MigrateOptions,
  log: Logger,
): Promise<{ appApplied: string[]; appChanged: string[] }> {
  await ensureAppMigrationsTable(client)
  const applied = new Map((await listAppliedAppMigrations(client)).map((r) => [r.version, r]))
  const appChanged = migrations.filter((m) => applied.has(m.version) && applied.get(m.version)!.checksum !== m.checksum).map((m) => m.file)
  for (const file of appChanged) log.warn({ migration: file }, 'app migration changed after it was applied (not applied again)')
  const pending = migrations.filter((m) => !applied.has(m.version))
  // The event trigger closes new tables in the exposed schemas it knows: tell it the configured
  // ones first, so a table an app migration creates in one (even a schema it creates) is closed.
  if (pending.length > 0 && options.exposedSchemas) await client.query('select floe.set_exposed_schemas($1)', [options.exposedSchemas])
  const appApplied: string[] = []
  for (const m of pending) {
    const started = performance.now()
    await client.query('begin')
    try {
      await runMigrationStatements(client, m)
      await client.query('insert into floe.app_migrations (version, name, checksum, duration_ms) values ($1, $2, $3, $4)', [
        m.version,
        m.name,
        m.checksum,
        Math.round(performance.now() - started),
      ])
      await client.query('commit')
    } catch (err) {
      // A rollback that fails leaves the connection unusable: a plain Error, so migrate destroys it.
      if (!(await client.query('rollback').then(() => true, () => false))) {
        throw new Error(`migration ${m.file}: the connection failed while rolling back`, { cause: err })
      }
      throw err
    }
    appApplied.push(m.file)
    log.info({ migration: m.file, ms: Math.round(performance.now() - started) }, 'app migration applied')
  }
  return { appApplied, appChanged }
}

export interface MigrationStatus {
  platform: { applied: number; pending: string[] }
  app: AppMigrationState[]
}

export interface AppMigrationState {
  version: string
  name: string
  /** Undefined for an applied migration whose file is gone. */
  file: string | undefined
  state: 'applied' | 'pending' | 'changed' | 'file missing'
  appliedAt: Date | undefined
}

/** What `migrate` would do, changing nothing: `floe migrate --status` and `--dry-run`. */
export async function migrationStatus(pool: pg.Pool, dir = MIGRATIONS_DIR, options: Pick<MigrateOptions, 'appDir'> = {}): Promise<MigrationStatus> {
  const platform = await readMigrations(dir)
  const app = options.appDir ? await readAppMigrations(options.appDir) : []
  const { rows } = await pool.query<{ exists: boolean }>(`select to_regclass('floe.schema_migrations') is not null as exists`)
  const done = rows[0]?.exists ? new Set((await pool.query<{ version: string }>('select version from floe.schema_migrations')).rows.map((r) => r.version)) : new Set<string>()
  const applied = new Map<string, AppliedAppMigration>((await listAppliedAppMigrations(pool)).map((r) => [r.version, r]))
  const states: AppMigrationState[] = app.map((m) => {
    const a = applied.get(m.version)
    return { version: m.version, name: m.name, file: m.file, state: !a ? 'pending' : a.checksum === m.checksum ? 'applied' : 'changed', appliedAt: a?.applied_at }
  })
  const known = new Set(app.map((m) => m.version))
  for (const a of applied.values()) {
    if (!known.has(a.version)) states.push({ version: a.version, name: a.name, file: undefined, state: 'file missing', appliedAt: a.applied_at })
  }
  states.sort((x, y) => (BigInt(x.version) < BigInt(y.version) ? -1 : 1))
  return { platform: { applied: platform.filter((m) => done.has(m.version)).length, pending: platform.filter((m) => !done.has(m.version)).map((m) => m.name) }, app: states }
}
