/** Quotes an identifier that has already been checked against the schema cache or config. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error('an identifier cannot contain NUL')
  return `"${name.replace(/"/g, '""')}"`
}
