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
  const statementAt = (from: number, end?: number) => ({ text: text.slice(from, end), offset: from, line: lineAt(text, from) })
  /** Reads the identifier at `i`, tracking BEGIN ATOMIC … END as psql does; returns its end. */
  const readWord = (i: number) => {
    let j = i + 1
    while (j < text.length && IDENT_PART.test(text[j]!)) j++
    const word = text.slice(i, j).toLowerCase()
    if (words.length < 4) words.push(word)
    if (parens === 0 && isFunctionDefinition(words)) {
      if (word === 'begin' || (word === 'case' && beginDepth > 0)) beginDepth++
      else if (word === 'end' && beginDepth > 0) beginDepth--
    }
    return j
  }
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    const comment = skipComment(text, i)
    if (comment !== undefined) {
      i = comment
      continue
    }
    if (start < 0 && !/\s/.test(c)) start = i
    const literal = skipLiteral(text, i)
    if (literal !== undefined) {
      i = literal
    } else if (c === ';' && parens === 0 && beginDepth === 0) {
      statements.push(statementAt(start, i + 1))
      ;[start, parens, words, beginDepth] = [-1, 0, [], 0]
      i++
    } else if (IDENT_START.test(c) && !isIdentChar(text[i - 1])) {
      i = readWord(i)
    } else {
      if (c === '(') parens++
      else if (c === ')' && parens > 0) parens--
      i++
    }
  }
  return { statements, rest: start >= 0 ? statementAt(start) : undefined }
}

/** The end of a comment starting at `i` (`--` to the end of the line, nested block comments), if one does. */
function skipComment(text: string, i: number): number | undefined {
  if (text[i] === '-' && text[i + 1] === '-') {
    const eol = text.indexOf('\n', i)
    return eol < 0 ? text.length : eol + 1
  }
  return text[i] === '/' && text[i + 1] === '*' ? skipBlockComment(text, i) : undefined
}

/** The end of a quoted run starting at `i` ('…', E'…', "…", $tag$…$tag$), if one does. */
function skipLiteral(text: string, i: number): number | undefined {
  const c = text[i]
  if (c === "'") return skipQuoted(text, i, "'", false)
  if ((c === 'E' || c === 'e') && text[i + 1] === "'" && !isIdentChar(text[i - 1])) return skipQuoted(text, i + 1, "'", true)
  if (c === '"') return skipQuoted(text, i, '"', false)
  if (c !== '$' || isIdentChar(text[i - 1])) return undefined
  const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64))
  if (!tag) return i + 1 // a parameter like $1
  const close = text.indexOf(tag[0], i + tag[0].length)
  return close < 0 ? text.length : close + tag[0].length
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
