/**
 * The shape of a read: its query string with the operands of simple filters (`id=eq.42`,
 * `age=not.gte.18`) lifted out. Reads of one shape compile to one statement that differs only in
 * those bound values, so the compiled-read cache is keyed by shape: `?id=eq.1` … `?id=eq.10000`
 * compile once, not ten thousand times.
 *
 * Lifting is checked, never assumed: the shape is compiled with a unique placeholder for each
 * operand, and it is only reused if every placeholder came out as whole bound values and nowhere
 * else (not in the SQL text, not inside another value). Anything else (a `like` operand
 * rewritten with `%`, a GET rpc argument that merely looks like a filter) leaves the shape
 * unshapeable, and such a read is cached by its full URL as before.
 */
import { randomBytes } from 'node:crypto'
import { canonicalQuery, urlDecode, type QueryPair } from './parse/query-string.js'
import type { Statement } from './result.js'

/** Operators whose operand reaches SQL as one bound value, verbatim. */
const SIMPLE_FILTER = /^((?:not\.)?(?:eq|neq|gt|gte|lt|lte)\.)([^]*)$/
/** Parameters that are never filters (query-params.ts), top level or per embed. */
const RESERVED = new Set(['select', 'columns', 'on_conflict'])
const RESERVED_EMBEDDABLE = new Set(['order', 'limit', 'offset', 'and', 'or'])

/** Random per process, so no client can guess it and put it elsewhere in a query. */
const TOKEN = `floe${randomBytes(6).toString('hex')}`
const placeholder = (i: number) => `${TOKEN}x${i}x`

export interface ReadShape {
  /** The query string with each lifted operand replaced by its placeholder. */
  masked: string
  /** The lifted operands, decoded, in order. */
  operands: string[]
  /** Every parameter, decoded: the request's own canonical query is made from these. */
  pairs: QueryPair[]
}

export function readShape(search: string): ReadShape {
  const q = search.startsWith('?') ? search.slice(1) : search
  if (q === '') return { masked: search, operands: [], pairs: [] }
  const parts = q.split(/[&;]/)
  const pairs: QueryPair[] = []
  const operands: string[] = []
  const masked: string[] = []
  for (const part of parts) {
    const eq = part.indexOf('=')
    if (eq < 0) {
      pairs.push({ key: urlDecode(part), value: undefined })
      masked.push(part)
      continue
    }
    const rawKey = part.slice(0, eq)
    const key = urlDecode(rawKey)
    const value = urlDecode(part.slice(eq + 1))
    pairs.push({ key, value })
    const m = isFilterKey(key) ? SIMPLE_FILTER.exec(value) : null
    if (m) {
      masked.push(`${rawKey}=${m[1]}${placeholder(operands.length)}`)
      operands.push(m[2] ?? '')
    } else {
      masked.push(part)
    }
  }
  return { masked: operands.length === 0 ? search : `?${masked.join('&')}`, operands, pairs }
}

function isFilterKey(key: string): boolean {
  return !RESERVED.has(key) && !RESERVED_EMBEDDABLE.has(key.slice(key.lastIndexOf('.') + 1))
}

/**
 * Where each placeholder of a shape compiled into `statement` sits among its values (one or more
 * places: `Prefer: count=exact` binds a filter's value for the page and again for the count), or
 * null if some operand did not come out only as whole verbatim bound values (then the shape is
 * not reused).
 */
export function operandSlots(statement: Statement, count: number): number[][] | null {
  if (statement.text.includes(TOKEN)) return null
  const slots: number[][] = []
  const claimed = new Set<number>()
  for (let i = 0; i < count; i++) {
    const mark = placeholder(i)
    const at = statement.values.flatMap((v, j) => (v === mark ? [j] : []))
    if (at.length === 0) return null
    for (const j of at) claimed.add(j)
    slots.push(at)
  }
  const stray = statement.values.some((v, j) => !claimed.has(j) && typeof v === 'string' && v.includes(TOKEN))
  return stray ? null : slots
}

/** The shape's statement with this read's own operands in their slots. */
export function withOperands(statement: Statement, slots: number[][], operands: string[]): Statement {
  const values = statement.values.slice()
  slots.forEach((places, i) => {
    for (const j of places) values[j] = operands[i]
  })
  return { text: statement.text, values }
}

/** The canonical query (Content-Location) of the read itself, not of its shape. */
export const canonicalOf = (shape: ReadShape): string => canonicalQuery(shape.pairs)
