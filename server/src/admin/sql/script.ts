/**
 * The admin's script: its statements (db's splitSql) with their first words, to refuse transaction
 * control, and Postgres' error position as a line and column. It never rewrites SQL: Postgres
 * runs the script as sent.
 */
import { splitSql } from '../../db/index.js'

export interface ScriptStatement {
  /** 0-based offsets (UTF-16, as JS strings) of the statement's text, `;` excluded. */
  start: number
  end: number
  /** The first words, upper case, e.g. `['PREPARE', 'TRANSACTION']` (at most two). */
  words: string[]
  /** Offset of the first word (after leading spaces and comments), or `start` when none. */
  wordAt: number
}

/** Keywords recognised in the admin's script (the runner itself sends none of these). */
const TRANSACTION_CONTROL = /^(BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE)$/

const WORD = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y
const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y

/** Where the quoted/commented run starting at `i` ends (exclusive), or undefined if none starts there. */
function skipQuoted(sql: string, i: number): number | undefined {
  const c = sql[i]
  const next = sql[i + 1]
  if (c === '-' && next === '-') {
    const nl = sql.indexOf('\n', i)
    return nl < 0 ? sql.length : nl + 1
  }
  if (c === '/' && next === '*') return skipBlockComment(sql, i)
  if (c === "'") return skipString(sql, i, isEscapeString(sql, i))
  if (c === '"') return skipString(sql, i, false)
  if (c === '$' && !isIdentChar(sql[i - 1])) {
    DOLLAR_TAG.lastIndex = i
    const m = DOLLAR_TAG.exec(sql)
    if (m) {
      const close = sql.indexOf(m[0], i + m[0].length)
      return close < 0 ? sql.length : close + m[0].length
    }
  }
  return undefined
}

const isIdentChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c)

/** `E'...'`: backslash escapes apply. */
const isEscapeString = (sql: string, i: number) => (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isIdentChar(sql[i - 2])

function skipString(sql: string, i: number, backslashes: boolean): number {
  const quote = sql[i]
  for (let j = i + 1; j < sql.length; j++) {
    if (backslashes && sql[j] === '\\') j++
    else if (sql[j] === quote) {
      if (sql[j + 1] !== quote) return j + 1
      j++
    }
  }
  return sql.length
}

/** Block comments nest in Postgres. */
function skipBlockComment(sql: string, i: number): number {
  let depth = 0
  for (let j = i; j < sql.length - 1; j++) {
    if (sql[j] === '/' && sql[j + 1] === '*') (depth++, j++)
    else if (sql[j] === '*' && sql[j + 1] === '/') {
      j++
      if (--depth === 0) return j + 1
    }
  }
  return sql.length
}

/**
 * The script's statements, empty ones (only spaces, comments or `;`) left out: split as psql
 * splits, by db's splitSql (the one splitter, shared with `floe sql` and the app migrations).
 */
export function splitStatements(sql: string): ScriptStatement[] {
  const { statements, rest } = splitSql(sql)
  return (rest ? [...statements, rest] : statements).filter(({ text }) => text !== ';').map(({ text, offset }) => ({
    start: offset,
    end: offset + (text.endsWith(';') ? text.length - 1 : text.length),
    words: headWords(text),
    wordAt: offset,
  }))
}

/** A statement's first two words, upper case, past quotes and comments (`SELECT 'a;b' FROM` → SELECT FROM). */
function headWords(text: string): string[] {
  const words: string[] = []
  let i = 0
  while (i < text.length && words.length < 2) {
    const skipped = skipQuoted(text, i)
    if (skipped !== undefined) {
      i = skipped
      continue
    }
    WORD.lastIndex = i
    const w = isIdentChar(text[i - 1]) ? null : WORD.exec(text)
    if (!w) {
      i++
      continue
    }
    // E'…', B'…', X'…', N'…': a string's prefix, not a word.
    if (!(text[i + w[0].length] === "'" && /^[EBXN]$/i.test(w[0]))) words.push(w[0].toUpperCase())
    i += w[0].length
  }
  return words
}

/**
 * The first statement that would end or nest the runner's transaction (so that what follows
 * would run outside it, as the server's own role), or undefined.
 */
export function findTransactionControl(statements: readonly ScriptStatement[]): ScriptStatement | undefined {
  return statements.find(({ words: [first, second] }) =>
    first !== undefined && (TRANSACTION_CONTROL.test(first) || (first === 'PREPARE' && second === 'TRANSACTION')),
  )
}

/**
 * Postgres' 1-based position counts characters (code points); the line and column it points at,
 * both 1-based, and the 0-based UTF-16 offset for slicing.
 */
export function locate(sql: string, position: number): { line: number; column: number; offset: number } {
  let line = 1
  let column = 1
  let offset = 0
  let seen = 1
  for (const ch of sql) {
    if (seen >= position) break
    if (ch === '\n') (line++, (column = 1))
    else column++
    offset += ch.length
    seen++
  }
  return { line, column, offset }
}
