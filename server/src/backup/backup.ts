/** `floe backup <file>`: the database, the object bytes and a manifest, in one tar. */
import { existsSync } from 'node:fs'
import { mkdtemp, rename, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type pg from 'pg'
import type { Config } from '../config.js'
import { createDatabase, findRunningEmbeddedPostgres, startEmbeddedPostgres, type Database, type EmbeddedDatabase } from '../db/index.js'
import type { Logger } from '../log.js'
import { FLOE_VERSION } from '../version.js'
import { createArchiveWriter, MANIFEST_ENTRY } from './archive.js'
import { describeDatabase, listStoredObjects } from './inventory.js'
import { backupLogical } from './logical.js'
import { FORMAT, FORMAT_VERSION, type Manifest } from './manifest.js'
import { backupObjects, openStore } from './objects.js'
import { backupCluster } from './physical.js'
import { majorOf } from './pg-tools.js'
import { formatBytes, type Progress } from './progress.js'

type DatabasePart = Pick<Manifest, 'database'>['database'] & { objects: Awaited<ReturnType<typeof listStoredObjects>> }

export async function runBackup(config: Readonly<Config>, log: Logger, file: string, progress: Progress): Promise<Manifest> {
  const target = path.resolve(file)
  if (existsSync(target)) throw new Error(`${target} already exists; choose another file name`)
  const part = `${target}.part`
  const archive = createArchiveWriter(part)
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'floe-backup-'))
  let embedded: EmbeddedDatabase | undefined
  let database: Database | undefined
  let client: pg.PoolClient | undefined
  try {
    let url = config.databaseUrl
    if (!url) {
      // The embedded cluster of a running server, else started here for the copy.
      url = await findRunningEmbeddedPostgres(config.dataDir)
      if (!url) {
        embedded = await startEmbeddedPostgres(config.dataDir, log, { port: config.dbPort })
        url = embedded.url
      }
    }
    database = createDatabase(url, { max: 1, log, applicationName: 'floe backup' })
    let db: DatabasePart
    if (config.databaseUrl) {
      const dump = await backupLogical(database.withOwner, url, path.join(tmp, 'dump'), archive, progress)
      db = { method: 'pg_dump', ...common(dump.inventory), pgDumpVersion: dump.tool.version, pgDumpMajor: dump.tool.major, objects: dump.objects }
      progress.line(`database dumped with ${dump.tool.path} ${dump.tool.version}: ${Object.keys(dump.inventory.tables).length} tables, ${dump.inventory.rows} rows (${formatBytes(archive.bytes)})`)
    } else {
      client = await database.pool.connect()
      const inventory = await describeDatabase(client)
      const copy = await backupCluster(client, path.join(config.dataDir, 'pg'), config.dataDir, archive, progress)
      // Listed after the copy: objects uploaded meanwhile get their bytes, rows the copy lacks are harmless.
      db = { method: 'embedded-cluster', ...common(inventory), wal: { start: copy.startWal, stop: copy.stopWal, files: copy.walFiles }, objects: await listStoredObjects(client) }
      progress.line(`embedded cluster copied: ${copy.files} files and ${copy.walFiles} WAL segments (${formatBytes(archive.bytes)})`)
    }
    client?.release()
    client = undefined

    const { objects, ...databaseInfo } = db
    const store = openStore(config)
    const copied = await backupObjects(store, objects, archive, progress)
    for (const key of copied.missing) progress.line(`warning: the bytes of ${key} were not in the store (deleted while the backup ran?)`)
    const manifest: Manifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      floeVersion: FLOE_VERSION,
      createdAt: new Date().toISOString(),
      database: databaseInfo,
      storage: {
        kind: store.kind,
        objects: copied.copied,
        bytes: copied.bytes,
        missing: copied.missing,
        mimeTypes: Object.fromEntries(objects.map((o) => [`${o.bucket_id}/${o.version}`, o.mime_type])),
      },
      entries: Object.fromEntries(archive.entries),
    }
    await archive.addBuffer(MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest, null, 2)))
    await archive.finish()
    await rename(part, target)
    return manifest
  } catch (err) {
    archive.abort()
    await rm(part, { force: true })
    throw err
  } finally {
    client?.release()
    await database?.close()
    await embedded?.stop()
    await rm(tmp, { recursive: true, force: true })
  }
}

function common(inv: Awaited<ReturnType<typeof describeDatabase>>) {
  return {
    postgresVersion: inv.serverVersion,
    postgresMajor: majorOf(inv.serverVersionNum),
    migration: inv.migration,
    schemas: inv.schemas,
    tables: inv.tables,
    rows: inv.rows,
    roles: inv.roles,
    jwtSecretInDatabase: inv.jwtSecretInDatabase,
  }
}
