import { ApiError } from '../errors/index.js'

/**
 * The schema a request addresses: `Accept-Profile` for GET/HEAD, `Content-Profile` for writes and
 * POST rpc, else the first exposed schema, as PostgREST. `negotiated` says a profile header was
 * sent, which makes the response carry `Content-Profile`.
 */
export function negotiateSchema(method: string, headers: { get(name: string): string | null }, schemas: string[]): { schema: string; negotiated: boolean } {
  const header = method === 'GET' || method === 'HEAD' ? 'accept-profile' : 'content-profile'
  const asked = headers.get(header)
  if (asked === null) return { schema: schemas[0]!, negotiated: false }
  if (!schemas.includes(asked)) {
    throw new ApiError('PGRST106', {
      message: `Invalid schema: ${asked}`,
      details: null,
      hint: `Only the following schemas are exposed: ${schemas.join(', ')}`,
    })
  }
  return { schema: asked, negotiated: schemas.length > 1 }
}
