/**
 * A `text/csv` request body as PostgREST reads it: a header line of column names, then rows;
 * RFC 4180 quoting; the unquoted text NULL means SQL null. Returned as the JSON array the insert
 * statement consumes.
 */
import { ApiError } from '../../errors/index.js'

function parseCsvRows(text: string): { value: string; quoted: boolean }[][] {
  const rows: { value: string; quoted: boolean }[][] = []
  let row: { value: string; quoted: boolean }[] = []
  let i = 0
  const pushRow = () => {
    if (!(row.length === 1 && row[0]?.value === '' && !row[0].quoted)) rows.push(row)
    row = []
  }
  while (i <= text.length) {
    let value = ''
    let quoted = false
    if (text[i] === '"') {
      quoted = true
      i++
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) {
        value += text[i] === '"' ? '"' : text[i]
        i += text[i] === '"' ? 2 : 1
      }
      i++
    }
    while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') value += text[i++]
    row.push({ value, quoted })
    if (text[i] === ',') {
      i++
      continue
    }
    if (text[i] === '\r') i++
    i++
    pushRow()
  }
  return rows
}

export function csvToJson(text: string): string {
  const [header, ...rows] = parseCsvRows(text)
  if (header === undefined) return '[]'
  const names = header.map((h) => h.value)
  const objects = rows.map((r) => {
    if (r.length !== names.length) {
      throw new ApiError('PGRST102', { message: 'All lines must have same number of fields', details: null, hint: null })
    }
    return Object.fromEntries(r.map((f, k) => [names[k], !f.quoted && f.value === 'NULL' ? null : f.value]))
  })
  return JSON.stringify(objects)
}
