import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { toApiError } from './to-api-error.js'

export interface RenderedError {
  status: ContentfulStatusCode
  headers: Record<string, string>
  body: string
}

/**
 * The one writer of error bodies: anything thrown becomes its status, its headers and the JSON
 * text of `{ code, message, details, hint }`. The Hono app, the Node fast paths, Node's own parse
 * errors and the TUS server all answer with it, so no error body is built by hand anywhere.
 */
export function renderError(err: unknown, role = 'anon'): RenderedError {
  const e = toApiError(err, role)
  return { status: e.status, headers: { ...e.headers, 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(e.toBody()) }
}
