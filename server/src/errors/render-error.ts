import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { GOTRUE_API_VERSION, goTrueBody } from './gotrue.js'
import { toApiError } from './to-api-error.js'

export interface RenderedError {
  status: ContentfulStatusCode
  headers: Record<string, string>
  body: string
}

/**
 * Whose words an error body is in: Floe's (and PostgREST's on the data API), or GoTrue's on the
 * auth routes that `@supabase/auth-js` calls.
 */
export type ErrorDialect = 'floe' | 'gotrue'

/**
 * The one writer of error bodies: anything thrown becomes its status, its headers and the JSON
 * text of `{ code, message, details, hint }` (with GoTrue's codes and field names added in the
 * GoTrue dialect). The Hono app, the Node fast paths, Node's own parse errors and the TUS server
 * all answer with it, so no error body is built by hand anywhere.
 */
export function renderError(err: unknown, role = 'anon', dialect: ErrorDialect = 'floe'): RenderedError {
  const e = toApiError(err, role)
  const headers = { ...e.headers, 'Content-Type': 'application/json; charset=utf-8' }
  if (dialect === 'floe') return { status: e.status, headers, body: JSON.stringify(e.toBody()) }
  const g = goTrueBody(e)
  return { status: g.status, headers: { ...headers, 'X-Supabase-Api-Version': GOTRUE_API_VERSION }, body: JSON.stringify(g.body) }
}
