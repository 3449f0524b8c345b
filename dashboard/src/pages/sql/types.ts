/** The SQL runner's shapes (server/src/admin/sql/schemas.ts), as the editor uses them. */
export type SqlRole = 'owner' | 'service_role' | 'authenticated' | 'anon'

export interface SqlColumn {
  name: string
  type: string
}

export interface SqlResult {
  command: string
  row_count: number | null
  columns: SqlColumn[]
  rows: unknown[][]
  truncated: boolean
}

export interface SqlNotice {
  severity: string
  message: string
}

export interface RunSqlResponse {
  results: SqlResult[]
  notices: SqlNotice[]
  duration_ms: number
}

export interface RunSqlBody {
  query: string
  role: SqlRole
  claims?: Record<string, unknown>
  max_rows?: number
  timeout_ms?: number
  read_only?: boolean
}

/** Where Postgres says the script failed: `position` is 1-based into the query that was sent. */
export interface SqlErrorPosition {
  position?: number
  line?: number
  column?: number
  statement?: number
}

/** The position fields of an SQL_ERROR's details (one object, or an array holding one). */
export function errorPosition(details: unknown): SqlErrorPosition | undefined {
  const d = Array.isArray(details) ? details[0] : details
  if (!d || typeof d !== 'object') return undefined
  const o = d as Record<string, unknown>
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined)
  const pos: SqlErrorPosition = { position: num(o.position), line: num(o.line), column: num(o.column), statement: num(o.statement) }
  return pos.position ?? pos.line ?? pos.statement ? pos : undefined
}
