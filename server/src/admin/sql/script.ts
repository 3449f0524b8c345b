/**
 * A light lexer over the admin's script, enough to find where each statement starts and ends
 * (quotes, dollar quotes, comments, parentheses and `BEGIN ATOMIC ... END` bodies, as psql
 * splits) and to turn Postgres' error position into a line and column. It never rewrites SQL:
 * Postgres runs the script as sent.
 */

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
const ROUTINE = /^(FUNCTION|PROCEDURE)$/
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

interface SplitState {
  parens: number
  /** BEGIN ATOMIC / CASE ... END nesting inside a CREATE FUNCTION or PROCEDURE. */
  blocks: number
  /** The first HEAD_WORDS words, upper case. */
  words: string[]
  /** The latest word. */
  last: string
  wordAt: number
  start: number
  /** Anything but spaces and comments seen since `start`. */
  content: boolean
}

/** The script's statements, empty ones (only spaces, comments or `;`) left out. */
export function splitStatements(sql: string): ScriptStatement[] {
  const out: ScriptStatement[] = []
  const st: SplitState = { parens: 0, blocks: 0, words: [], last: '', wordAt: 0, start: 0, content: false }
  const flush = (end: number) => {
    if (st.content) out.push({ start: st.start, end, words: st.words.slice(0, 2), wordAt: st.words.length > 0 ? st.wordAt : st.start })
    Object.assign(st, { parens: 0, blocks: 0, words: [], last: '', wordAt: end + 1, start: end + 1, content: false })
  }
  let i = 0
  while (i < sql.length) {
    const c = sql[i]!
    const skipped = skipQuoted(sql, i)
    if (skipped !== undefined) {
      st.content ||= c !== '-' && c !== '/'
      i = skipped
      continue
    }
    if (!/[\s;]/.test(c)) st.content = true
    WORD.lastIndex = i
    const w = isIdentChar(sql[i - 1]) ? null : WORD.exec(sql)
    // E'…', B'…', X'…', N'…': a string's prefix, not a word.
    if (w && !(sql[i + w[0].length] === "'" && /^[EBXN]$/i.test(w[0]))) {
      if (st.words.length === 0) st.wordAt = i
      countWord(st, w[0].toUpperCase())
    }
    if (w) {
      i += w[0].length
      continue
    }
    if (c === '(') st.parens++
    else if (c === ')') st.parens = Math.max(0, st.parens - 1)
    else if (c === ';' && st.parens === 0 && st.blocks === 0) flush(i)
    i++
  }
  flush(sql.length)
  return out
}

/** How many leading words a statement keeps: enough for `CREATE OR REPLACE FUNCTION`. */
const HEAD_WORDS = 4

/**
 * A SQL-standard body (`CREATE FUNCTION|PROCEDURE ... BEGIN ATOMIC ... END`) holds `;`s, as psql
 * knows: inside one, CASE ... END nests too. Anywhere else BEGIN, CASE and END change nothing
 * (a column may be called `begin`).
 */
function countWord(st: SplitState, word: string): void {
  const previous = st.words.length > 0 ? st.last : undefined
  if (st.words.length < HEAD_WORDS) st.words.push(word)
  st.last = word
  if (!isRoutineBody(st.words)) return
  if ((previous === 'BEGIN' && word === 'ATOMIC') || (st.blocks > 0 && word === 'CASE')) st.blocks++
  else if (word === 'END' && st.blocks > 0) st.blocks--
}

const isRoutineBody = ([first, second, third, fourth]: string[]) =>
  first === 'CREATE' && (ROUTINE.test(second ?? '') || (second === 'OR' && third === 'REPLACE' && ROUTINE.test(fourth ?? '')))

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
