/**
 * Splits and decodes a raw query string the way PostgREST's http-types does: `&` and `;` both
 * separate pairs, `+` means space, a key without `=` has no value (and is ignored), and bad
 * percent escapes are kept as they are.
 */

export interface QueryPair {
  key: string
  /** undefined for `?key` without `=`. */
  value: string | undefined
}

const decoder = new TextDecoder('utf-8', { fatal: false })

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 65 && c <= 70) return c - 55
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

/** urlDecode True: bytes in, UTF-8 text out (invalid sequences become U+FFFD rather than failing). */
export function urlDecode(raw: string): string {
  const src = Buffer.from(raw, 'utf8')
  const out = Buffer.alloc(src.length)
  let n = 0
  for (let i = 0; i < src.length; i++) {
    const b = src[i] ?? 0
    const hi = i + 2 < src.length ? hexVal(src[i + 1] ?? 0) : -1
    const lo = i + 2 < src.length ? hexVal(src[i + 2] ?? 0) : -1
    if (b === 37 && hi >= 0 && lo >= 0) {
      out[n++] = hi * 16 + lo
      i += 2
    } else {
      out[n++] = b === 43 ? 32 : b
    }
  }
  return decoder.decode(out.subarray(0, n))
}

export function parseQueryString(query: string): QueryPair[] {
  const q = query.startsWith('?') ? query.slice(1) : query
  if (q === '') return []
  return q.split(/[&;]/).map((part) => {
    const eq = part.indexOf('=')
    if (eq < 0) return { key: urlDecode(part), value: undefined }
    return { key: urlDecode(part.slice(0, eq)), value: urlDecode(part.slice(eq + 1)) }
  })
}

/** Percent-encodes like Network.HTTP.Base.urlEncodeVars (unreserved chars kept, space as %20). */
function urlEncode(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b)
      return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
    })
    .join('')
}

/** Parameters sorted by key (stable), `key=value`, for PostgREST's Content-Location header. */
export function canonicalQuery(pairs: QueryPair[]): string {
  return [...pairs]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => `${urlEncode(p.key)}=${urlEncode(p.value ?? '')}`)
    .join('&')
}
