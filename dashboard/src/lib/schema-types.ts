/**
 * The admin schema API's answers (server/src/admin/schema: `GET /admin/v1/tables`,
 * `GET /admin/v1/tables/<schema>.<table>`, `GET /admin/v1/enums`), shared by the screens that
 * read them (Table editor, Schema, Rules, SQL editor). One copy, so a change on the server is
 * one change here.
 */
export interface TableWarning {
  problem: 'rls_disabled' | 'no_policy'
  message: string
}

/** GET /admin/v1/tables: one table of the list. */
export interface TableSummary {
  schema: string
  name: string
  rows: number
  rows_exact: boolean
  rls_enabled: boolean
  policy_count: number
  realtime: boolean
  warnings: TableWarning[]
}

export interface Column {
  name: string
  position: number
  type: string
  nullable: boolean
  default: string | null
  identity: 'always' | 'by_default' | null
  unique: boolean
  primary_key: boolean
}

export type FkAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default'

export interface ForeignKey {
  name: string
  schema: string
  table: string
  columns: string[]
  referenced_schema: string
  referenced_table: string
  referenced_columns: string[]
  on_delete: FkAction
  on_update: FkAction
}

export interface Index {
  schema: string
  name: string
  table: string
  columns: string[]
  unique: boolean
  primary: boolean
  method: string
  definition: string
}

/** GET /admin/v1/tables/<schema>.<table>. */
export interface TableDetail extends TableSummary {
  columns: Column[]
  primary_key: { name: string; columns: string[] } | null
  foreign_keys: ForeignKey[]
  referenced_by: ForeignKey[]
  indexes: Index[]
}

/** GET /admin/v1/enums. */
export interface EnumType {
  schema: string
  name: string
  values: string[]
}
