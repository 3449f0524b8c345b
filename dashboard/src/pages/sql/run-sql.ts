import { adminFetch } from '../../lib/api'
import type { RunSqlBody, RunSqlResponse } from './types'

/** POST /admin/v1/sql. Other screens (rules, schema) may import this too. */
export function runSql(body: RunSqlBody, signal?: AbortSignal): Promise<RunSqlResponse> {
  return adminFetch<RunSqlResponse>('/sql', { method: 'POST', body, signal })
}
