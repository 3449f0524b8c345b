import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ApiError, ErrorDetails } from './api-error.js'
import { FROM_PLATFORM, GOTRUE_API_VERSION, isGoTrueCode } from './gotrue.js'
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
export type ErrorDialect = 'floe' | 'gotrue' | 'storage'

/** Supabase Storage's `error` names by status (storage-js surfaces them on StorageApiError). */
const STORAGE_ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload too large',
  415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 429: 'Too Many Requests', 500: 'Internal', 503: 'Service Unavailable', 504: 'Gateway Timeout',
}

/**
 * The one writer of error bodies: anything thrown becomes its status, its headers and the JSON
 * text of `{ code, message, details, hint }` (with GoTrue's codes and field names added in the
 * GoTrue dialect, Supabase Storage's `statusCode` and `error` in the storage dialect). The Hono app, the Node fast paths, Node's own parse errors and the TUS server
 * all answer with it, so no error body is built by hand anywhere.
 */
export function renderError(err: unknown, role = 'anon', dialect: ErrorDialect = 'floe'): RenderedError {
  const e = toApiError(err, role)
  const headers = { ...e.headers, 'Content-Type': 'application/json; charset=utf-8' }
  if (dialect === 'floe') return { status: e.status, headers, body: JSON.stringify(e.toBody()) }
  if (dialect === 'storage') {
    // Supabase Storage's `statusCode` (a string) and `error` beside Floe's fields: storage-js
    // sets `error.statusCode` from the first, and apps compare it to '404', '409'...
    const body = { ...e.toBody(), statusCode: String(e.status), error: STORAGE_ERROR_NAMES[e.status] ?? 'Error' }
    return { status: e.status, headers, body: JSON.stringify(body) }
  }
  const g = goTrueBody(e)
  return { status: g.status, headers: { ...headers, 'X-Supabase-Api-Version': GOTRUE_API_VERSION }, body: JSON.stringify(g.body) }
}

interface GoTrueErrorBody {
  /** GoTrue's error code (auth-js reads it here when the answer carries GOTRUE_API_VERSION). */
  code: string
  /** The same code where auth-js looks for it in answers without the version header. */
  error_code: string
  message: string
  /** The same message under GoTrue's older name. */
  msg: string
  details: ErrorDetails
  hint: string | null
  /** `weak_password` only: why the password was refused (auth-js surfaces these). */
  weak_password?: { reasons: string[] }
}

/**
 * An error as GoTrue would answer it: its code in GoTrue's words (a Floe code mapped to the
 * nearest, anything else lower-cased), the status kept, the message kept. The body keeps Floe's
 * four fields and adds GoTrue's names for them, so both kinds of client read it.
 */
function goTrueBody(e: ApiError): { status: ContentfulStatusCode; body: GoTrueErrorBody } {
  const code = isGoTrueCode(e.code) ? e.code : (FROM_PLATFORM[e.code] ?? e.code.toLowerCase())
  const body: GoTrueErrorBody = { code, error_code: code, message: e.message, msg: e.message, details: e.details, hint: e.hint }
  if (code === 'weak_password') body.weak_password = { reasons: [e.details === 'characters' ? 'characters' : 'length'] }
  return { status: e.status, body }
}
