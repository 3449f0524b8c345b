/**
 * Quotes a value as a SQL string literal. Used only where a bound parameter is impossible: the
 * one-round-trip transaction preambles of with-request-role.ts and with-owner.ts, which must go
 * through the simple query protocol (several statements, no parameters). Rejects NUL, which no
 * Postgres text holds.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('a SQL literal cannot contain NUL')
  const escaped = value.replace(/'/g, "''")
  // With a backslash present, use E'' so the literal means the same under any
  // standard_conforming_strings setting.
  return value.includes('\\') ? `E'${escaped.replace(/\\/g, '\\\\')}'` : `'${escaped}'`
}
