/**
 * The app's own migrations (FLOE_MIGRATIONS_DIR), as the Supabase CLI keeps them: plain SQL files
 * named `<YYYYMMDDHHMMSS>_<name>.sql`, applied in version order after the platform's, each in its
 * own transaction, recorded in `floe.app_migrations` with a checksum. Unlike a platform migration,
 * an applied file that changed is reported, not refused: the app's history is its author's to
 * keep, and a fixed comment must not stop a deploy.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type pg from 'pg'
import { lineAt, offsetOfPosition, splitSql } from './split-sql.js'

export interface AppMigration {
  version: string
  /** The file name, e.g. `20261207101500_create_todos.sql`. */
  name: string
  /** The path to show: relative to the working folder when it lies below it. */
  file: string
  sql: string
  checksum: string
}

export interface AppliedAppMigration {
  version: string
  name: string
  checksum: string
  applied_at: Date
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MigrationError'
  }
}

const FILE = /^(\d+)_(.+)\.sql$/
export const MIGRATION_NAME = /^[a-z0-9][a-z0-9_-]{0,99}$/

export const checksumOf = (text: string) => createHash('sha256').update(text).digest('hex')

export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file
}

/** The folder's migrations in version order; none when it does not exist. */
export async function readAppMigrations(dir: string): Promise<AppMigration[]> {
  if (!existsSync(dir)) return []
  const out: AppMigration[] = []
  for (const name of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
    const m = FILE.exec(name)
    const file = displayPath(path.join(dir, name))
    if (!m) throw new MigrationError(`${file}: a migration's file name must be <YYYYMMDDHHMMSS>_<name>.sql (create one with \`floe migration new <name>\`)`)
    const sql = await readFile(path.join(dir, name), 'utf8')
    out.push({ version: m[1]!, name, file, sql, checksum: checksumOf(sql) })
  }
  out.sort((a, b) => compareVersions(a.version, b.version))
  for (let i = 1; i < out.length; i++) {
    if (compareVersions(out[i - 1]!.version, out[i]!.version) === 0) {
      throw new MigrationError(`${out[i - 1]!.file} and ${out[i]!.file} have the same version ${out[i]!.version}: rename one`)
    }
  }
  return out
}

/** Numeric order, so `9_x` comes before `10_x` whatever the digits' count. */
function compareVersions(a: string, b: string): number {
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Writes an empty `<UTC YYYYMMDDHHMMSS>_<name>.sql` into `dir` (created if missing) and returns
 * its path. Two made within one second get consecutive versions, so versions stay unique.
 */
export async function createAppMigration(dir: string, name: string, now = new Date()): Promise<string> {
  if (!MIGRATION_NAME.test(name)) {
    throw new MigrationError(`"${name}" is not a migration name: use lower-case letters, digits, _ and - (e.g. create_todos)`)
  }
  await mkdir(dir, { recursive: true })
  const taken = new Set((await readdir(dir)).map((f) => FILE.exec(f)?.[1]).filter((v): v is string => v !== undefined))
  let at = now.getTime()
  let version = stamp(at)
  while (taken.has(version)) version = stamp((at += 1000))
  const file = path.join(dir, `${version}_${name}.sql`)
  await writeFile(file, '', { flag: 'wx' })
  return file
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\D/g, '').slice(0, 14)
}

export async function ensureAppMigrationsTable(client: pg.ClientBase): Promise<void> {
  await client.query(`
    create table if not exists floe.app_migrations (
      version     text primary key,
      name        text not null,
      checksum    text not null,
      applied_at  timestamptz not null default now(),
      duration_ms integer not null default 0
    );
    revoke all on floe.app_migrations from public;`)
}

/** What `floe.app_migrations` records; none when it does not exist yet (nothing applied). */
export async function listAppliedAppMigrations(client: pg.ClientBase | pg.Pool): Promise<AppliedAppMigration[]> {
  const { rows } = await client.query<{ exists: boolean }>(`select to_regclass('floe.app_migrations') is not null as exists`)
  if (!rows[0]?.exists) return []
  const applied = await client.query<AppliedAppMigration>('select version, name, checksum, applied_at from floe.app_migrations')
  return applied.rows.sort((a, b) => compareVersions(a.version, b.version))
}

/** Transaction control inside a file would end the transaction the runner opened around it. */
const TRANSACTION_CONTROL = /^(begin|start\s+transaction|commit|end|rollback|abort)\b\s*(work|transaction)?\s*;?$/i

/**
 * Runs one migration's statements on `client` inside the caller's transaction, one at a time, so
 * a failure names its line: the error's `position` within the statement when Postgres gives one,
 * else the statement's first line.
 */
export async function runMigrationStatements(client: pg.ClientBase, migration: AppMigration): Promise<void> {
  const { statements, rest } = splitSql(migration.sql)
  for (const statement of rest ? [...statements, rest] : statements) {
    if (TRANSACTION_CONTROL.test(statement.text.trim())) {
      throw new MigrationError(
        `migration ${migration.file} has a transaction statement at line ${statement.line} (${statement.text.trim()}): ` +
          'each migration already runs in a transaction of its own; remove it',
      )
    }
    try {
      await client.query(statement.text)
    } catch (err) {
      const position = Number((err as { position?: string }).position)
      const line = position > 0 ? lineAt(migration.sql, statement.offset + offsetOfPosition(statement.text, position)) : statement.line
      const reason = err instanceof Error ? err.message : String(err)
      throw new MigrationError(`migration ${migration.file} failed at line ${line} and was rolled back (nothing of it applied): ${reason}`)
    }
  }
}
