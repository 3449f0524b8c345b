/**
 * From the query string to QueryParams, as PostgREST's QueryParams.parse: which parameter is a
 * filter, an order, a logic tree, a limit; each parsed with its production and, on failure, a
 * PGRST100 whose message names what failed to parse and where.
 */
import { ApiError } from '../../errors/index.js'
import { runParser, type Parser } from './parsec.js'
import {
  pColumns, pFieldForest, pLogicPath, pLogicTree, pOpExpr, pOrder, pSingleVal, pTreePath,
} from './grammar.js'
import { alt, pure } from './parsec.js'
import { canonicalQuery, parseQueryString, type QueryPair } from './query-string.js'
import { fromLimitOffset, type NonnegRange } from './range.js'
import type { EmbedPath, Filter, LogicTree, OrderTerm, QueryParams, SelectItem } from './types.js'

export function parseOrThrow<T>(p: Parser<T>, sourceName: string, input: string): T {
  let r: ReturnType<typeof runParser<T>>
  try {
    r = runParser(p, sourceName, input)
  } catch (e) {
    // The grammar is recursive (embeds, logic trees): absurd nesting must be a 400, not a crash.
    if (!(e instanceof RangeError)) throw e
    r = { ok: false, message: `"${sourceName}"`, details: 'nested too deeply' }
  }
  if (r.ok) return r.value
  throw new ApiError('PGRST100', { message: r.message, details: r.details, hint: null })
}

const RESERVED = new Set(['select', 'columns', 'on_conflict'])
const RESERVED_EMBEDDABLE = new Set(['order', 'limit', 'offset', 'and', 'or'])
const lastWord = (key: string) => key.split('.').pop() ?? ''
const endingIn = (words: string[], key: string) => words.includes(lastWord(key))

function parseTreePath(key: string) {
  return parseOrThrow(pTreePath, `failed to parse tree path (${key})`, key)
}

type ParsedFilter = { path: EmbedPath; filter: Filter } | { rpcArg: [string, string] }

function parseFilter(isRpcRead: boolean, key: string, value: string): ParsedFilter {
  const { path, field } = parseTreePath(key)
  const op = pOpExpr(pSingleVal)
  const p: Parser<Omit<Filter, 'field'> | undefined> = isRpcRead ? alt<Omit<Filter, 'field'> | undefined>(op, pure(undefined)) : op
  const parsed = parseOrThrow(p, `failed to parse filter (${value})`, value)
  if (parsed === undefined) return { rpcArg: [field.name, value] }
  return { path, filter: { field, ...parsed } }
}

function parseOrderParam(key: string, value: string): { path: EmbedPath; terms: OrderTerm[] } {
  const { path } = parseTreePath(key)
  return { path, terms: parseOrThrow(pOrder, `failed to parse order (${value})`, value) }
}

function parseLogicParam(key: string, value: string): { path: EmbedPath; tree: LogicTree } {
  const { path, op } = parseOrThrow(pLogicPath, `failed to parse logic path (${key})`, key)
  // PostgREST prefixes the operator so `or=(a,b)` parses as the tree `or(a,b)`.
  const tree = parseOrThrow(pLogicTree, `failed to parse logic tree (${value})`, op + value)
  return { path, tree }
}

/**
 * Parsed `select` values, by their text: an app sends the same few again and again, and parsing
 * one (even the default `*`) cost ~25 µs of a ~400 µs insert in a CPU profile. The parse is pure
 * and what it returns is only read (the planner builds its own nodes), so the result is shared.
 * Bounded: emptied when full.
 */
const selectCache = new Map<string, readonly SelectItem[]>()
const SELECT_CACHE_MAX = 500

function parseSelect(value: string): readonly SelectItem[] {
  const cached = selectCache.get(value)
  if (cached !== undefined) return cached
  const parsed = parseOrThrow(pFieldForest, `failed to parse select parameter (${value})`, value)
  if (selectCache.size >= SELECT_CACHE_MAX) selectCache.clear()
  selectCache.set(value, parsed)
  return parsed
}

function parseColumnList(name: 'columns' | 'on_conflict', value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  return parseOrThrow(pColumns, `failed to parse ${name} parameter (${value})`, value)
}

/** limit and offset per embed level; `actors.offset` pairs with `actors.limit`. */
function collectRanges(pairs: [string, string][]): Map<string, NonnegRange> {
  const limits = new Map<string, string>()
  const offsets = new Map<string, string>()
  for (const [k, v] of pairs) {
    if (endingIn(['limit'], k)) limits.set(k, v)
    if (endingIn(['offset'], k)) offsets.set(`${k.split('.').slice(0, -1).concat('limit').join('.')}`, v)
  }
  const out = new Map<string, NonnegRange>()
  for (const key of new Set([...limits.keys(), ...offsets.keys()])) out.set(key, fromLimitOffset(limits.get(key), offsets.get(key)))
  return out
}

export interface RawQueryParams extends Omit<QueryParams, 'ranges'> {
  /** Keyed by the parameter name with `.limit` ending (`limit`, `actors.limit`). */
  rawRanges: Map<string, NonnegRange>
}

const lookup = (pairs: QueryPair[], key: string) => pairs.find((p) => p.key === key)?.value

export function parseQueryParams(query: string, isRpcRead: boolean): RawQueryParams {
  // `apikey` in the query string is the caller's key (the identity middleware takes it), never a
  // filter or an RPC argument, so no error can echo it: Supabase's gateway strips it before PostgREST.
  const pairs = parseQueryString(query).filter((p) => p.key !== 'apikey')
  const nonEmpty = pairs.filter((p): p is { key: string; value: string } => p.value !== undefined).map((p) => [p.key, p.value] as [string, string])
  const order = nonEmpty.filter(([k]) => endingIn(['order'], k)).map(([k, v]) => parseOrderParam(k, v))
  const logic = nonEmpty.filter(([k]) => endingIn(['and', 'or'], k)).map(([k, v]) => parseLogicParam(k, v))
  const columns = parseColumnList('columns', lookup(pairs, 'columns'))
  const select = parseSelect(lookup(pairs, 'select') ?? '*')
  const isFilter = (k: string) => !RESERVED_EMBEDDABLE.has(lastWord(k)) && !RESERVED.has(k)
  const parsedFilters = nonEmpty.filter(([k]) => isFilter(k)).map(([k, v]) => parseFilter(isRpcRead, k, v))
  const onConflict = parseColumnList('on_conflict', lookup(pairs, 'on_conflict'))
  const filters = parsedFilters.filter((f): f is { path: EmbedPath; filter: Filter } => 'filter' in f)
  const rpcArgs = parsedFilters.flatMap((f) => ('rpcArg' in f ? [f.rpcArg] : []))
  return {
    select, filters, logic, order, rpcArgs,
    rawRanges: collectRanges(nonEmpty),
    canonical: canonicalQuery(pairs),
    ...(columns !== undefined && { columns }),
    ...(onConflict !== undefined && { onConflict }),
  }
}

