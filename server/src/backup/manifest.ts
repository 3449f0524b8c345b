/** The last entry of a backup: what it holds and how to check it. */
import type { EntryInfo } from './archive.js'
import type { DatabaseInventory } from './inventory.js'

export const FORMAT = 'floe-backup'
export const FORMAT_VERSION = 1

export interface Manifest {
  format: typeof FORMAT
  formatVersion: number
  floeVersion: string
  createdAt: string
  database: {
    /** `pg_dump`: a custom-format dump of DATABASE_URL's database; `embedded-cluster`: a copy of the embedded cluster's files. */
    method: 'pg_dump' | 'embedded-cluster'
    postgresVersion: string
    postgresMajor: number
    /** The pg_dump that wrote the dump (pg_restore must be as new). */
    pgDumpVersion?: string
    pgDumpMajor?: number
    /** The last platform migration applied (e.g. "0022"). */
    migration: string | null
    schemas: string[]
    tables: Record<string, number>
    rows: number
    roles: DatabaseInventory['roles']
    /** False when FLOE_JWT_SECRET was set by env: the restored instance needs the same value. */
    jwtSecretInDatabase: boolean
    wal?: { start: string; stop: string; files: number }
  }
  storage: {
    kind: 'filesystem' | 's3'
    objects: number
    bytes: number
    /** Rows whose bytes were not in the store when the backup read them. */
    missing: string[]
    /** key (`<bucket_id>/<version>`) -> content type, for S3's object metadata. */
    mimeTypes: Record<string, string>
  }
  /** Every other entry of the archive with its size and SHA-256. */
  entries: Record<string, EntryInfo>
}
