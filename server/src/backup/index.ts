/**
 * Backup and restore: `floe backup <file>` writes one tar holding the database (a pg_dump of
 * DATABASE_URL's database, or a file copy of the embedded cluster), the bytes of every stored
 * object and a manifest with counts and checksums; `floe restore <file>` puts them back into an
 * empty database and an empty object store. It does not back up Redis (queued jobs and their
 * results live there; queue declarations, webhooks and the outbox are in Postgres and are kept).
 */
import type { Config } from '../config.js'
import type { Logger } from '../log.js'
import { runBackup } from './backup.js'
import { createProgress, formatBytes } from './progress.js'
import { RestoreRefused, runRestore } from './restore.js'

export { runBackup } from './backup.js'
export { runRestore, RestoreRefused, type RestoreResult } from './restore.js'
export type { Manifest } from './manifest.js'

/** What a `floe` command is handed (the CLI's CliContext). */
export interface CommandContext {
  config: Readonly<Config>
  log: Logger
}

function fileArg(command: string, args: string[]): string {
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new RestoreRefused(`usage: floe ${command} <file>`)
  return args[0]!
}

/** `floe backup <file>`: progress on stderr, one summary line on stdout. */
export async function backupCommand({ config, log }: CommandContext, args: string[]): Promise<void> {
  const file = fileArg('backup', args)
  const m = await runBackup(config, log, file, createProgress('backup'))
  const d = m.database
  process.stdout.write(
    `backup written to ${file}: ${d.method === 'pg_dump' ? `pg_dump of PostgreSQL ${d.postgresVersion}` : `embedded PostgreSQL ${d.postgresVersion} cluster`}, ` +
      `migration ${d.migration ?? 'none'}, ${Object.keys(d.tables).length} tables, ${d.rows} rows, ${m.storage.objects} objects (${formatBytes(m.storage.bytes)})\n`,
  )
  if (!d.jwtSecretInDatabase) process.stdout.write('note: FLOE_JWT_SECRET is set by the environment, not kept in the database: the restored instance needs the same value\n')
}

/** `floe restore <file>`: refuses a non-empty target with one line; exit 1 when a row count differs. */
export async function restoreCommand({ config, log }: CommandContext, args: string[]): Promise<void> {
  const file = fileArg('restore', args)
  const r = await runRestore(config, log, file, createProgress('restore'))
  process.stdout.write(`restored ${file}: ${r.tables} tables, ${r.rows} rows, ${r.manifest.storage.objects} objects (${formatBytes(r.manifest.storage.bytes)})\n`)
  if (!r.manifest.database.jwtSecretInDatabase) process.stdout.write('note: the backed-up instance took FLOE_JWT_SECRET from the environment: set the same value here\n')
  if (r.differences.length === 0) return
  const list = r.differences.slice(0, 10).join('\n  ') + (r.differences.length > 10 ? `\n  ... and ${r.differences.length - 10} more` : '')
  if (r.manifest.database.method === 'embedded-cluster') {
    // The copy's moment is its end (pg_backup_stop); the counts were read when it began.
    process.stderr.write(`floe restore: note: rows written while the online copy ran make these counts differ from those read when it began:\n  ${list}\n`)
    return
  }
  // A dump and its counts come from one snapshot: any difference is a failed restore.
  process.stderr.write(`floe restore: row counts differ from the backup's:\n  ${list}\n`)
  process.exitCode = 1
}
