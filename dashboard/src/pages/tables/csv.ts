/**
 * CSV as RFC 4180 writes it, with Postgres's COPY convention for NULL: an empty unquoted field is
 * NULL, a quoted empty field ("") is the empty string. Objects and arrays are written as JSON, so
 * an export reads back in through the import.
 */
import type { Field, Row } from './model'

export type CsvCell = string | null

/** Rows of cells; a BOM and a trailing newline are dropped; \r\n, \n and \r all end a record. */
export function parseCsv(text: string): CsvCell[][] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const out: CsvCell[][] = []
  let row: CsvCell[] = []
  let cell = ''
  let quoted = false
  let inQuotes = false
  let i = 0
  const endCell = () => {
    row.push(cell === '' && !quoted ? null : cell)
    cell = ''
    quoted = false
  }
  while (i < src.length) {
    const ch = src[i]!
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"'
          i++
        } else inQuotes = false
      } else cell += ch
    } else if (ch === '"' && cell === '') {
      inQuotes = true
      quoted = true
    } else if (ch === ',') endCell()
    else if (ch === '\n' || ch === '\r') {
      endCell()
      out.push(row)
      row = []
      if (ch === '\r' && src[i + 1] === '\n') i++
    } else cell += ch
    i++
  }
  if (inQuotes) throw new Error('the file ends inside a quoted field')
  if (cell !== '' || quoted || row.length > 0) {
    endCell()
    out.push(row)
  }
  return out.filter((r) => !(r.length === 1 && r[0] === null))
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v)
  return s === '' || /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsvLines(columns: string[], rows: Row[]): string {
  return rows.map((r) => columns.map((c) => cellText(r[c])).join(',')).join('\r\n')
}

export const csvHeader = (columns: string[]) => columns.map(cellText).join(',')

/**
 * A CSV cell as the data API should get it: NULL stays null; JSON columns parse (a bad one
 * throws); arrays as a JSON list or a Postgres literal ({a,b}); everything else is text that
 * Postgres converts with the column's input function.
 */
export function csvValue(f: Field, v: CsvCell): unknown {
  if (v === null) return null
  if (f.kind === 'json') {
    try {
      return JSON.parse(v) as unknown
    } catch {
      throw new Error(`${f.name}: not valid JSON`)
    }
  }
  if (f.kind === 'array' && v.trim().startsWith('[')) {
    try {
      return JSON.parse(v) as unknown
    } catch {
      throw new Error(`${f.name}: not a valid JSON list`)
    }
  }
  return v
}
