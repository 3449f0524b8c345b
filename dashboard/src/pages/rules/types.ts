/** The rules API's shapes (server/src/admin/schemas.ts) and the schema editor's table summary. */
export type { TableSummary } from '../../lib/schema-types'
export type Operation = 'select' | 'insert' | 'update' | 'delete' | 'all'
export type TemplateKind = 'public_read' | 'signed_in_read' | 'owner_only' | 'owner_write_public_read'

export interface Rule {
  name: string
  operation: Operation
  roles: string[]
  permissive: boolean
  using: string | null
  check: string | null
}

export interface RuleInput {
  name: string
  operation?: Operation
  roles?: string[]
  using?: string
  check?: string
  template?: { kind: TemplateKind; column?: string }
}

export interface RulesWarning {
  schema: string
  table: string
  rls_enabled: boolean
  policy_count: number
  problem: 'rls_disabled' | 'no_policy' | 'view_bypasses_rls'
  message: string
}


export interface PolicyVerdict {
  name: string
  operation: Operation
  roles: string[]
  permissive: boolean
  applies: boolean
  using: string | null
  using_result: boolean | null
  check: string | null
  check_result: boolean | null
  error: string | null
}

export interface Explanation {
  schema: string
  table: string
  operation: string
  role: string
  rls_enabled: boolean
  bypasses_rls: boolean
  granted: boolean
  row_found: boolean | null
  outcome: 'visible' | 'hidden' | 'allowed' | 'denied' | 'not_permitted'
  reason: string
  policies: PolicyVerdict[]
}

export const qualified = (t: { schema: string; name?: string; table?: string }) => `${t.schema}.${t.name ?? t.table}`

/** A path segment for `{schema.table}` (names may hold characters a URL must escape). */
export const tablePath = (ref: string) => `/tables/${encodeURIComponent(ref)}`
