/**
 * Haskell's `show` for strings, because PostgREST's parse errors quote the offending input with
 * it (e.g. `unexpected "\233"` for "é"). Kept separate so the parser core stays readable.
 */
const ASCII_NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'a', 'b', 't', 'n', 'v', 'f', 'r', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
]

function showLitChar(c: string, next: string | undefined): string {
  const code = c.codePointAt(0) ?? 0
  if (c === '"') return '\\"'
  if (c === '\\') return '\\\\'
  if (code === 0x7f) return '\\DEL'
  if (code > 0x7f) return `\\${code}${next !== undefined && /[0-9]/.test(next) ? '\\&' : ''}`
  if (code >= 0x20) return c
  const name = ASCII_NAMES[code] ?? String(code)
  return `\\${name}${name === 'SO' && next === 'H' ? '\\&' : ''}`
}

export function hsShowString(s: string): string {
  const chars = Array.from(s)
  return `"${chars.map((c, i) => showLitChar(c, chars[i + 1])).join('')}"`
}
