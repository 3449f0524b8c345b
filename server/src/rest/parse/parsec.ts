/**
 * A small port of Haskell's Parsec semantics (consumed/empty replies, `try`, labels and error
 * merging by position). PostgREST's query grammar is written with Parsec and its PGRST100 error
 * details are Parsec's messages ("unexpected \"x\" expecting ..."), so reproducing the semantics,
 * not just the grammar, is what makes our messages match PostgREST's.
 */
import { hsShowString } from './hs-show.js'

export interface Pos {
  line: number
  col: number
}

/** Parsec's Message constructors; ordering matters when errors are shown. */
const enum MsgKind {
  SysUnExpect = 0,
  UnExpect = 1,
  Expect = 2,
}

interface Msg {
  kind: MsgKind
  text: string
}

export interface ParseError {
  pos: Pos
  msgs: Msg[]
}

export interface State {
  readonly input: readonly string[]
  readonly i: number
  readonly pos: Pos
}

export type Reply<T> =
  | { ok: true; consumed: boolean; value: T; state: State; err: ParseError }
  | { ok: false; consumed: boolean; err: ParseError }

export type Parser<T> = (s: State) => Reply<T>

const unknownError = (s: State): ParseError => ({ pos: s.pos, msgs: [] })

function comparePos(a: Pos, b: Pos): number {
  return a.line !== b.line ? a.line - b.line : a.col - b.col
}

/** Parsec's mergeError: prefer errors with messages, then the one that got further. */
function mergeError(e1: ParseError, e2: ParseError): ParseError {
  if (e2.msgs.length === 0 && e1.msgs.length > 0) return e1
  if (e1.msgs.length === 0 && e2.msgs.length > 0) return e2
  const c = comparePos(e1.pos, e2.pos)
  if (c === 0) return { pos: e1.pos, msgs: [...e1.msgs, ...e2.msgs] }
  return c > 0 ? e1 : e2
}

function nextPos(pos: Pos, c: string): Pos {
  if (c === '\n') return { line: pos.line + 1, col: 1 }
  if (c === '\t') return { line: pos.line, col: pos.col + 8 - ((pos.col - 1) % 8) }
  return { line: pos.line, col: pos.col + 1 }
}

export function satisfy(pred: (c: string) => boolean): Parser<string> {
  return (s) => {
    const c = s.input[s.i]
    if (c === undefined) return { ok: false, consumed: false, err: { pos: s.pos, msgs: [{ kind: MsgKind.SysUnExpect, text: '' }] } }
    if (!pred(c)) {
      return { ok: false, consumed: false, err: { pos: s.pos, msgs: [{ kind: MsgKind.SysUnExpect, text: hsShowString(c) }] } }
    }
    const state: State = { input: s.input, i: s.i + 1, pos: nextPos(s.pos, c) }
    return { ok: true, consumed: true, value: c, state, err: unknownError(state) }
  }
}

/** Parsec's `tokens`: on a mismatch the error sits at the start, and is a consumed one past the first char. */
export function string(str: string): Parser<string> {
  const chars = Array.from(str)
  return (s) => {
    let i = s.i
    let pos = s.pos
    for (let k = 0; k < chars.length; k++) {
      const c = s.input[i]
      if (c === undefined || c !== chars[k]) {
        const text = c === undefined ? '' : hsShowString(c)
        const err = { pos: s.pos, msgs: [{ kind: MsgKind.SysUnExpect, text }, { kind: MsgKind.Expect, text: hsShowString(str) }] }
        return { ok: false, consumed: k > 0, err }
      }
      pos = nextPos(pos, c)
      i++
    }
    const state: State = { input: s.input, i, pos }
    return { ok: true, consumed: chars.length > 0, value: str, state, err: unknownError(state) }
  }
}

export function label<T>(p: Parser<T>, msg: string): Parser<T> {
  const setExpect = (err: ParseError): ParseError => ({
    pos: err.pos,
    msgs: [{ kind: MsgKind.Expect, text: msg }, ...err.msgs.filter((m) => m.kind !== MsgKind.Expect)],
  })
  return (s) => {
    const r = p(s)
    if (r.consumed) return r
    if (r.ok) return r.err.msgs.length === 0 ? r : { ...r, err: setExpect(r.err) }
    return { ok: false, consumed: false, err: setExpect(r.err) }
  }
}

export const char = (c: string): Parser<string> => label(satisfy((x) => x === c), hsShowString(c))
export const oneOf = (cs: string): Parser<string> => satisfy((x) => cs.includes(x))
export const noneOf = (cs: string): Parser<string> => satisfy((x) => !cs.includes(x))
export const anyChar: Parser<string> = satisfy(() => true)
export const digit: Parser<string> = label(satisfy((c) => c >= '0' && c <= '9'), 'digit')
export const letter: Parser<string> = label(satisfy((c) => /^\p{L}$/u.test(c)), 'letter')

export function pure<T>(value: T): Parser<T> {
  return (s) => ({ ok: true, consumed: false, value, state: s, err: unknownError(s) })
}

export const zero: Parser<never> = (s) => ({ ok: false, consumed: false, err: unknownError(s) })

/** Parsec's bind, with its error merging when the continuation does not consume. */
export function chain<A, B>(p: Parser<A>, k: (a: A) => Parser<B>): Parser<B> {
  return (s) => {
    const r = p(s)
    if (!r.ok) return r
    const r2 = k(r.value)(r.state)
    if (r2.consumed) return r2
    const err = r.err.msgs.length === 0 ? r2.err : mergeError(r.err, r2.err)
    return r2.ok ? { ...r2, consumed: r.consumed, err } : { ok: false, consumed: r.consumed, err }
  }
}

export const map = <A, B>(p: Parser<A>, f: (a: A) => B): Parser<B> => chain(p, (a) => pure(f(a)))
export const left = <A>(p: Parser<A>, q: Parser<unknown>): Parser<A> => chain(p, (a) => map(q, () => a))
export const right = <B>(p: Parser<unknown>, q: Parser<B>): Parser<B> => chain(p, () => q)
export const as = <T>(p: Parser<unknown>, value: T): Parser<T> => map(p, () => value)

export function alt<T>(...ps: Parser<T>[]): Parser<T> {
  return (s) => {
    let err: ParseError | undefined
    for (const p of ps) {
      const r = p(s)
      if (r.consumed) return r
      const merged = err === undefined ? r.err : mergeError(err, r.err)
      if (r.ok) return { ...r, err: merged }
      err = merged
    }
    return { ok: false, consumed: false, err: err ?? unknownError(s) }
  }
}

export function attempt<T>(p: Parser<T>): Parser<T> {
  return (s) => {
    const r = p(s)
    return !r.ok && r.consumed ? { ok: false, consumed: false, err: r.err } : r
  }
}

export function lookAhead<T>(p: Parser<T>): Parser<T> {
  return (s) => {
    const r = p(s)
    return r.ok ? { ok: true, consumed: false, value: r.value, state: s, err: unknownError(s) } : r
  }
}

export function many<T>(p: Parser<T>): Parser<T[]> {
  return (s) => {
    const out: T[] = []
    let state = s
    let consumed = false
    for (;;) {
      const r = p(state)
      if (r.ok && r.consumed) {
        out.push(r.value)
        state = r.state
        consumed = true
        continue
      }
      if (r.ok) throw new Error('many: parser accepts an empty string')
      if (r.consumed) return r
      return { ok: true, consumed, value: out, state, err: r.err }
    }
  }
}

export const many1 = <T>(p: Parser<T>): Parser<T[]> => chain(p, (x) => map(many(p), (xs) => [x, ...xs]))
export const sepBy1 = <T>(p: Parser<T>, sep: Parser<unknown>): Parser<T[]> =>
  chain(p, (x) => map(many(right(sep, p)), (xs) => [x, ...xs]))
export const sepBy = <T>(p: Parser<T>, sep: Parser<unknown>): Parser<T[]> => alt(sepBy1(p, sep), pure<T[]>([]))
export const between = <T>(open: Parser<unknown>, close: Parser<unknown>, p: Parser<T>): Parser<T> => left(right(open, p), close)
export const option = <T>(fallback: T, p: Parser<T>): Parser<T> => alt(p, pure(fallback))
export const optional = <T>(p: Parser<T>): Parser<T | undefined> => alt<T | undefined>(p, pure(undefined))

/**
 * `notFollowedBy p`: fails where `p` would succeed. The error sits after what `p` read, except for
 * `eof`, whose `anyToken` does not advance the position in Parsec (so the error is on the char).
 */
function notFollowedByWith(p: Parser<string>, advance: boolean): Parser<undefined> {
  return (s) => {
    const r = attempt(p)(s)
    if (!r.ok) return { ok: true, consumed: false, value: undefined, state: s, err: unknownError(s) }
    const pos = advance ? r.state.pos : s.pos
    return { ok: false, consumed: false, err: { pos, msgs: [{ kind: MsgKind.UnExpect, text: hsShowChar(r.value) }] } }
  }
}

function hsShowChar(c: string): string {
  if (c === "'") return "'\\''"
  if (c === '"') return `'"'`
  const inner = hsShowString(c)
  return `'${inner.slice(1, -1)}'`
}

export const notFollowedBy = (p: Parser<string>): Parser<undefined> => notFollowedByWith(p, true)
export const eof: Parser<undefined> = label(notFollowedByWith(anyChar, false), 'end of input')

/** Parsec's showErrorMessages "or" "unknown parse error" "expecting" "unexpected" "end of input". */
export function showErrorMessages(msgs: Msg[]): string {
  if (msgs.length === 0) return 'unknown parse error'
  const of = (k: MsgKind) => msgs.filter((m) => m.kind === k)
  const clean = (xs: string[]) => [...new Set(xs.filter((x) => x !== ''))]
  const commasOr = (ms: string[]) => (ms.length <= 1 ? (ms[0] ?? '') : `${ms.slice(0, -1).join(', ')} or ${ms[ms.length - 1]}`)
  const showMany = (pre: string, ms: Msg[]) => {
    const texts = clean(ms.map((m) => m.text))
    return texts.length === 0 ? '' : `${pre} ${commasOr(texts)}`
  }
  const sys = of(MsgKind.SysUnExpect)
  const unexpected = of(MsgKind.UnExpect)
  const first = sys[0]
  const showSys = unexpected.length > 0 || first === undefined ? '' : `unexpected ${first.text === '' ? 'end of input' : first.text}`
  const parts = clean([showSys, showMany('unexpected', unexpected), showMany('expecting', of(MsgKind.Expect))])
  return parts.map((p) => `\n${p}`).join('')
}

export type RunResult<T> = { ok: true; value: T } | { ok: false; message: string; details: string }

/** Runs like `P.parse p sourceName input` and shapes the failure like PostgREST's QPError. */
export function runParser<T>(p: Parser<T>, sourceName: string, input: string): RunResult<T> {
  const r = p({ input: Array.from(input), i: 0, pos: { line: 1, col: 1 } })
  if (r.ok) return { ok: true, value: r.value }
  const { line, col } = r.err.pos
  const message = `"${sourceName}" (line ${line}, column ${col})`
  const details = showErrorMessages(r.err.msgs).replace(/\n/g, ' ').trim()
  return { ok: false, message, details }
}
