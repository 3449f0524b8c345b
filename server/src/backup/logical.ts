/**
 * The database of DATABASE_URL, dumped and restored with PostgreSQL's own pg_dump / pg_restore
 * (custom format, the whole database: app schemas, auth, storage, floe, realtime, functions,
 * policies, grants, event triggers). The dump runs on a snapshot exported by a transaction that
 * also lists the stored objects and counts rows, so the manifest, the dump and the set of
 * object bytes describe one moment.
 */
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type pg from 'pg'
import { quoteIdent, type WithOwner } from '../db/index.js'
import type { ArchiveWriter } from './archive.js'
import { describeDatabase, listStoredObjects, type DatabaseInventory, type RoleInfo, type StoredObject } from './inventory.js'
import { findPgTool, majorOf, type PgTool } from './pg-tools.js'
import type { Progress } from './progress.js'

export const DUMP_ENTRY = 'database/dump.pgcustom'

/**
 * Runs pg_dump / pg_restore with --verbose, counting the tables whose data it has handled
 * (`dumping contents of table`, `processing data for table`) for the progress line; on failure
 * the error names its last lines.
 */
function run(tool: PgTool, args: string[], onTable: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(tool.path, ['--verbose', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    let tail: string[] = []
    let partial = ''
    proc.stderr.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) {
        if (/(dumping contents of|processing data for) table/.test(line)) onTable()
        else if (!/^\S+: (reading|identifying|finding|flagging|saving|dumping|creating|processing|executing|setting|last built-in|implied data-only|started|finished|connecting|disabling|enabling)/.test(line)) tail = [...tail.slice(-4), line]
      }
    })
    proc.on('error', reject)
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool.path.split('/').pop()} failed (exit ${code}): ${[...tail, partial].filter(Boolean).slice(-3).join(' | ')}`))))
  })
}

export interface LogicalBackup {
  inventory: DatabaseInventory
  objects: StoredObject[]
  tool: PgTool
}

/** Dumps the database into `tmpFile` and adds it to the archive. */
export async function backupLogical(withOwner: WithOwner, url: string, tmpFile: string, archive: ArchiveWriter, progress: Progress): Promise<LogicalBackup> {
  return withOwner(
    'backup: one snapshot for pg_dump, the row counts and the list of stored objects',
    async ({ client }) => {
      const snapshot = (await client.query<{ s: string }>('select pg_export_snapshot() as s')).rows[0]!.s
      const inventory = await describeDatabase(client)
      const tool = findPgTool('pg_dump', majorOf(inventory.serverVersionNum))
      if ('missing' in tool) throw new Error(tool.missing)
      const objects = await listStoredObjects(client)
      const tables = Object.keys(inventory.tables).length
      let done = 0
      await run(tool, ['--format=custom', '--no-sync', `--snapshot=${snapshot}`, `--file=${tmpFile}`, `--dbname=${url}`], () => progress.step('tables dumped', ++done, tables))
      const { size } = await stat(tmpFile)
      await archive.add(DUMP_ENTRY, size, createReadStream(tmpFile))
      return { inventory, objects, tool }
    },
    // Repeatable read: every query of the transaction sees the snapshot pg_dump is handed.
    { readOnly: true, rollback: true, settings: { transaction_isolation: 'repeatable read' } },
  )
}

/**
 * Roles are the cluster's, not the database's: a dump names them (owners, grants, policies'
 * `to` lists) but does not create them. Those missing on the target are created with the same
 * attributes; a login role gets no password (the dump has none to give).
 */
export async function createMissingRoles(client: pg.ClientBase, roles: RoleInfo[]): Promise<string[]> {
  const existing = new Set((await client.query<{ rolname: string }>('select rolname from pg_roles')).rows.map((r) => r.rolname))
  const created: string[] = []
  for (const r of roles) {
    if (existing.has(r.name)) continue
    const attrs = [
      r.superuser ? 'superuser' : '',
      r.inherit ? 'inherit' : 'noinherit',
      r.createrole ? 'createrole' : '',
      r.createdb ? 'createdb' : '',
      r.login ? 'login' : 'nologin',
      r.bypassrls ? 'bypassrls' : '',
    ].filter(Boolean)
    await client.query(`create role ${quoteIdent(r.name)} ${attrs.join(' ')}`)
    created.push(r.name)
  }
  for (const r of roles) {
    if (!created.includes(r.name)) continue
    for (const group of Array.isArray(r.memberOf) ? r.memberOf : []) await client.query(`grant ${quoteIdent(group)} to ${quoteIdent(r.name)}`)
  }
  return created
}

/** Restores a dump file into the (empty) database at `url`, in one transaction: all or nothing. */
export async function restoreLogical(dumpFile: string, url: string, dumpMajor: number, tables: number, progress: Progress): Promise<PgTool> {
  const tool = findPgTool('pg_restore', dumpMajor)
  if ('missing' in tool) throw new Error(tool.missing)
  let done = 0
  await run(tool, ['--exit-on-error', '--single-transaction', `--dbname=${url}`, dumpFile], () => progress.step('tables restored', ++done, tables))
  return tool
}
