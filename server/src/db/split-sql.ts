/**
 * Splits SQL text into statements the way psql does, so `floe sql -f`, the SQL prompt and the app
 * migrations run one statement at a time and can say which one failed, on which line. A `;` ends
 * a statement except inside quotes ('…', E'…', "…", $tag$…$tag$), comments (--, nested /* *\/),
 * parentheses, or the BEGIN … END body of a `CREATE FUNCTION|PROCEDURE … BEGIN ATOMIC` (psql's
 * own heuristic, from psqlscan.l).
 */

export interface SqlStatement {
  /** The statement's text from its first token to its `;` (included, when there is one). */
  text: string
  /** Offset of the first token in the whole text (UTF-16 units, as JavaScript indexes strings). */
  offset: number
  /** 1-based line of the first token. */
  line: number
}

export interface SplitResult {
  statements: SqlStatement[]
  /** Text after the last `;` that holds a token: an unfinished statement (the prompt waits for more). */
  rest: SqlStatement | undefined
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/

export function splitSql(text: string): SplitResult {
  const statements: SqlStatement[] = []
  let start = -1 // offset of the current statement's first token
  let parens = 0
  let words: string[] = [] // the statement's first identifiers, lower-cased (for BEGIN ATOMIC)
  let beginDepth = 0
  let i = 0
  const n = text.length
  const begin = (at: number) => {
    if (start < 0) start = at
  }
  const finish = (end: number) => {
    if (start >= 0) statements.push({ text: text.slice(start, end), offset: start, line: lineAt(text, start) })
    start = -1
    parens = 0
    words = []
    beginDepth = 0
  }
  while (i < n) {
    const c = text[i]!
    const next = text[i + 1]
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i)
      i = eol < 0 ? n : eol + 1
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(text, i)
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'" && !isIdentChar(text[i - 1]))) {
      begin(i)
      i = skipQuoted(text, c === "'" ? i : i + 1, "'", c !== "'")
    } else if (c === '"') {
      begin(i)
      i = skipQuoted(text, i, '"', false)
    } else if (c === '$' && !isIdentChar(text[i - 1])) {
      begin(i)
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64))
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length)
        i = close < 0 ? n : close + tag[0].length
      } else {
        i++ // a parameter like $1
      }
    } else if (c === ';' && parens === 0 && beginDepth === 0) {
      begin(i)
      finish(i + 1)
      i++
    } else if (IDENT_START.test(c) && !isIdentChar(text[i - 1])) {
      begin(i)
      let j = i + 1
      while (j < n && IDENT_PART.test(text[j]!)) j++
      const word = text.slice(i, j).toLowerCase()
      if (words.length < 4) words.push(word)
      if (parens === 0 && isFunctionDefinition(words)) {
        if (word === 'begin') beginDepth++
        else if (word === 'case' && beginDepth > 0) beginDepth++
        else if (word === 'end' && beginDepth > 0) beginDepth--
      }
      i = j
    } else {
      if (!/\s/.test(c)) begin(i)
      if (c === '(') parens++
      else if (c === ')' && parens > 0) parens--
      i++
    }
  }
  const rest = start >= 0 ? { text: text.slice(start), offset: start, line: lineAt(text, start) } : undefined
  return { statements, rest }
}

/** CREATE [OR REPLACE] FUNCTION|PROCEDURE: where BEGIN ATOMIC … END may hold semicolons. */
function isFunctionDefinition(words: string[]): boolean {
  if (words[0] !== 'create') return false
  if (words[1] === 'function' || words[1] === 'procedure') return true
  return words[1] === 'or' && words[2] === 'replace' && (words[3] === 'function' || words[3] === 'procedure')
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && IDENT_PART.test(c)
}

function skipBlockComment(text: string, at: number): number {
  let depth = 0
  let i = at
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++
      i += 2
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--
      i += 2
      if (depth === 0) return i
    } else {
      i++
    }
  }
  return i
}

/** Past the closing quote; a doubled quote is part of the text, as is a backslash escape in E''. */
function skipQuoted(text: string, at: number, quote: string, backslashes: boolean): number {
  let i = at + 1
  while (i < text.length) {
    const c = text[i]
    if (backslashes && c === '\\') {
      i += 2
    } else if (c === quote) {
      if (text[i + 1] === quote) i += 2
      else return i + 1
    } else {
      i++
    }
  }
  return i
}

/** 1-based line number of a UTF-16 offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/**
 * The UTF-16 offset in `statement` of a Postgres error `position` (1-based, counted in
 * characters, so a character outside the BMP counts once, not twice as in JavaScript).
 */
export function offsetOfPosition(statement: string, position: number): number {
  let chars = 0
  let i = 0
  while (i < statement.length && chars < position - 1) {
    const code = statement.codePointAt(i)!
    i += code > 0xffff ? 2 : 1
    chars++
  }
  return i
}
