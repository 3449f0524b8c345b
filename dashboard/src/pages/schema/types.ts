/** The schema editor API's shapes (server/src/admin/schema/models.ts, shapes.ts). */
import type { Column, EnumType, FkAction } from '../../lib/schema-types'

export type { Column, FkAction, ForeignKey, Index, TableDetail } from '../../lib/schema-types'
export type Enum = EnumType

/** Which change dialog of a table's view is open. */
export type Open =
  | { kind: 'add-column' }
  | { kind: 'alter-column'; column: Column }
  | { kind: 'drop'; what: string; path: string; cascade?: boolean }
  | { kind: 'add-fk' }
  | { kind: 'add-index' }
  | { kind: 'primary-key' }
  | { kind: 'rename' }

export interface ColumnSpec {
  name: string
  type: string
  default?: string
  nullable: boolean
  unique: boolean
  primary_key: boolean
  identity?: 'always' | 'by_default'
}

export interface ForeignKeySpec {
  name?: string
  columns: string[]
  references: { schema: string; table: string; columns: string[] }
  on_delete: FkAction
  on_update: FkAction
}

/** One change: sent once with ?dry_run=true (answers `{ sql }`), then for real. */
export interface ChangeRequest {
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  path: string
  body?: unknown
  query?: Record<string, string | undefined>
}

export const FK_ACTIONS: FkAction[] = ['no action', 'restrict', 'cascade', 'set null', 'set default']

/** The types offered first; any other type name can be typed in. */
export const COMMON_TYPES = [
  'bigint', 'integer', 'smallint', 'text', 'varchar(255)', 'boolean', 'uuid', 'timestamptz', 'timestamp', 'date', 'time',
  'numeric', 'numeric(12,2)', 'real', 'double precision', 'jsonb', 'json', 'bytea', 'text[]', 'integer[]', 'inet',
]

export const FK_PATH = (table: string) => `/tables/${encodeURIComponent(table)}`
