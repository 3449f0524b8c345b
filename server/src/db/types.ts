import type { ColumnType, Generated } from 'kysely'

/** The platform's own tables, as Kysely sees them. App tables are reached through the data API. */
export interface PlatformTables {
  'floe.instance_secrets': {
    name: string
    value: string
    created_at: ColumnType<Date, never, never>
  }
  'floe.api_keys': {
    id: Generated<string>
    kind: 'anon' | 'service'
    key_hash: Buffer
    key_ciphertext: string
    created_at: ColumnType<Date, never, never>
    revoked_at: Date | null
  }
  'floe.schema_migrations': {
    version: string
    name: string
    checksum: string
    applied_at: ColumnType<Date, never, never>
  }
}

export type DB = PlatformTables

/** What a request runs as: a role from the allowed set and the verified claims. */
export interface RequestRole {
  role: string
  claims: Record<string, unknown>
}
