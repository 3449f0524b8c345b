/**
 * How `floe sql` prints: results as psql's aligned tables (values as Postgres' text, numbers to
 * the right, NULL empty, a `+` where a value goes on to the next line), commands by their tag,
 * errors as psql does: the message, then the line with a caret under the error's position.
 */
import { lineAt, offsetOfPosition, type SqlStatement } from '../db/index.js'

export interface ResultLike {
  fields: { name: string; dataTypeID: number }[]
  rows: (string | null)[][]
}

/** int2, int4, int8, oid, float4, float8, money, numeric. */
const NUMERIC_TYPES = new Set([20, 21, 23, 26, 700, 701, 790, 1700])

export function formatTable(result: ResultLike): string {
  const { fields, rows } = result
  const cells = rows.map((row) => row.map((v) => (v === null ? [''] : v.split('\n'))))
  const widths = fields.map((f, i) => Math.max(f.name.length, ...cells.map((row) => Math.max(...row[i]!.map((l) => l.length)))))
  const right = fields.map((f) => NUMERIC_TYPES.has(f.dataTypeID))
  const last = fields.length - 1
  const header = fields
    .map((f, i) => {
      const pad = widths[i]! - f.name.length
      const left = Math.floor(pad / 2)
      const text = ' '.repeat(left) + f.name + (i === last ? '' : ' '.repeat(pad - left))
      return ` ${text}${i === last ? '' : ' '}`
    })
    .join('|')
  const lines = [header.trimEnd(), widths.map((w) => '-'.repeat(w + 2)).join('+')]
  for (const row of cells) {
    const height = Math.max(1, ...row.map((c) => c.length))
    for (let h = 0; h < height; h++) {
      const parts = row.map((c, i) => {
        const text = c[h] ?? ''
        const more = h < c.length - 1
        if (i === last) return ` ${more ? text.padEnd(widths[i]!) + '+' : right[i] ? text.padStart(widths[i]!) : text}`
        return ` ${right[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)}${more ? '+' : ' '}`
      })
      lines.push(parts.join('|'))
    }
  }
  lines.push(`(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`)
  return lines.join('\n') + '\n'
}

/** The fields of a Postgres error that pg hands on (the ones psql prints). */
interface PgErrorLike {
  message: string
  severity?: string
  code?: string
  position?: string
  detail?: string
  hint?: string
}

/**
 * psql's error display. `input` is the whole text the statement came from (a file, the -c text,
 * the prompt's buffer) so LINE numbers are that text's; `label` (a file name) prefixes the first line.
 */
export function formatSqlError(err: unknown, input: string, statement: SqlStatement, label?: string): string {
  const e: PgErrorLike = typeof err === 'object' && err !== null && 'message' in err ? (err as PgErrorLike) : { message: String(err) }
  const position = Number(e.position)
  const offset = position > 0 ? statement.offset + offsetOfPosition(statement.text, position) : undefined
  const line = offset === undefined ? statement.line : lineAt(input, offset)
  const lines = [`${label ? `${label}:${line}: ` : ''}${e.severity ?? 'ERROR'}:  ${e.message}${e.code ? ` (SQLSTATE ${e.code})` : ''}`]
  if (offset !== undefined) {
    const start = input.lastIndexOf('\n', offset - 1) + 1
    const end = input.indexOf('\n', offset)
    const prefix = `LINE ${line}: `
    lines.push(prefix + input.slice(start, end < 0 ? undefined : end), ' '.repeat(prefix.length + offset - start) + '^')
  }
  if (e.detail) lines.push(`DETAIL:  ${e.detail}`)
  if (e.hint) lines.push(`HINT:  ${e.hint}`)
  return lines.join('\n') + '\n'
}
