/**
 * The request as SQL sees it, set with set_config(..., true) in the request's transaction as
 * PostgREST 11+ does (Query/PreQuery.hs): `request.method`, `request.path`, and the headers and
 * cookies as one JSON object each (`current_setting('request.headers', true)::json->>'user-agent'`),
 * since Postgres 14 refuses setting names with `-` in them. Header names are lower case; the
 * Cookie header is not among the headers but parsed into `request.cookies`; a repeated name keeps
 * its last value, as PostgREST's HashMap.fromList.
 */

/** Any header source that can list its headers (a fetch `Headers`, the Node front end's view). */
export interface HeaderList {
  forEach(fn: (value: string, name: string) => void): void
}

/**
 * `request.path` as PostgREST sees it behind Supabase's gateway, which strips `/rest/v1`:
 * `/films` or `/rpc/add`. The last segment is taken as sent (still percent-encoded), as
 * PostgREST's rawPathInfo.
 */
export function apiPath(pathname: string, kind: 'table' | 'rpc'): string {
  let end = pathname.length
  while (end > 1 && pathname.charCodeAt(end - 1) === 47 /* / */) end--
  const last = pathname.slice(pathname.lastIndexOf('/', end - 1), end)
  return kind === 'rpc' ? `/rpc${last}` : last
}

/** PostgREST's parseCookies (Web.Cookie): `;`-separated `name=value` pairs, spaces before a name dropped. */
export function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of header.split(';')) {
    const pair = part.trimStart()
    if (pair === '') continue
    const eq = pair.indexOf('=')
    if (eq < 0) out[pair] = ''
    else out[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return out
}

/**
 * The four settings of a request. Only called when some SQL of the database may read them (the
 * schema cache's readsRequestSettings); otherwise none is sent and `current_setting(..., true)`
 * would read null, which nothing does.
 */
export function requestSettings(method: string, path: string, headers: HeaderList): Record<string, string> {
  const all: Record<string, string> = {}
  let cookie: string | undefined
  headers.forEach((value, name) => {
    const key = name.toLowerCase()
    if (key === 'cookie') cookie = value
    else all[key] = value
  })
  return {
    'request.method': method,
    'request.path': path,
    'request.headers': JSON.stringify(all),
    'request.cookies': cookie === undefined ? '{}' : JSON.stringify(parseCookies(cookie)),
  }
}
