/**
 * The request AST: what the client asked for, in PostgREST's terms, before anything is checked
 * against the schema. Nothing here knows SQL.
 */

export type JsonOperand = { kind: 'key'; value: string } | { kind: 'idx'; value: string }

/** `->` keeps JSON, `->>` yields text, as in Postgres. */
export interface JsonOperation {
  arrow: '->' | '->>'
  operand: JsonOperand
}

export interface Field {
  name: string
  jsonPath: JsonOperation[]
}

export type AggregateFunction = 'sum' | 'avg' | 'max' | 'min' | 'count'
export type JoinType = 'inner' | 'left'

export interface SelectField {
  type: 'field'
  field: Field
  alias?: string
  cast?: string
  aggregate?: AggregateFunction
  aggregateCast?: string
}

export interface SelectRelation {
  type: 'relation'
  name: string
  alias?: string
  hint?: string
  joinType?: JoinType
  children: SelectItem[]
}

export interface SelectSpread {
  type: 'spread'
  name: string
  hint?: string
  joinType?: JoinType
  children: SelectItem[]
}

export type SelectItem = SelectField | SelectRelation | SelectSpread

export type SimpleOperator = 'neq' | 'cs' | 'cd' | 'ov' | 'sl' | 'sr' | 'nxr' | 'nxl' | 'adj'
export type QuantOperator = 'eq' | 'gte' | 'gt' | 'lte' | 'lt' | 'like' | 'ilike' | 'match' | 'imatch'
export type FtsOperator = 'fts' | 'plfts' | 'phfts' | 'wfts'
export type TrileanValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown'

export type Operation =
  | { kind: 'simple'; op: SimpleOperator; value: string }
  | { kind: 'quant'; op: QuantOperator; quantifier?: 'any' | 'all'; value: string }
  | { kind: 'in'; values: string[] }
  | { kind: 'is'; value: TrileanValue }
  | { kind: 'isdistinct'; value: string }
  | { kind: 'fts'; op: FtsOperator; language?: string; value: string }

export interface Filter {
  field: Field
  negated: boolean
  operation: Operation
}

export type LogicTree =
  | { type: 'expr'; negated: boolean; operator: 'and' | 'or'; children: LogicTree[] }
  | { type: 'filter'; filter: Filter }

export interface OrderTerm {
  /** Set for `order=relation(column)`: ordering by a column of an embedded to-one resource. */
  relation?: string
  field: Field
  direction?: 'asc' | 'desc'
  nulls?: 'first' | 'last'
}

/** Embedded resources a parameter applies to, e.g. `actors.roles.order=` → ['actors', 'roles']. */
export type EmbedPath = string[]

export interface Range {
  offset: number
  /** null: no upper bound. 0 is PostgREST's "limit=0" special case (an empty page, still valid). */
  limit: number | null
}

export interface Preferences {
  return?: 'representation' | 'minimal' | 'headers-only'
  count?: 'exact' | 'planned' | 'estimated'
  resolution?: 'merge-duplicates' | 'ignore-duplicates'
  missing?: 'default' | 'null'
  tx?: 'commit' | 'rollback'
  handling?: 'strict' | 'lenient'
  params?: 'single-object'
  timezone?: string
  maxAffected?: number
  /** Preferences nobody recognised; an error only with `handling=strict`. */
  invalid: string[]
}

/** The media types Floe can produce for a table or function result. */
export type MediaType =
  | { kind: 'json'; stripNulls: boolean }
  | { kind: 'object'; stripNulls: boolean }
  | { kind: 'csv' }
  /**
   * A function's value as it is, in the media type its return domain is named after (PostgREST's
   * media type handlers for a routine): text, or bytes when the domain is over bytea.
   */
  | { kind: 'raw'; contentType: string; binary: boolean }

export type Action = 'read' | 'create' | 'update' | 'upsert' | 'delete' | 'call'

export interface Payload {
  /** The body as sent; it reaches SQL as one bound parameter. */
  raw: string
  /** Sent as JSON (not CSV, a form or a raw body): only then may a single unnamed json parameter take it whole. */
  isJson?: boolean
  /** `{...}` vs `[...]`: json_to_record vs json_to_recordset. */
  isObject: boolean
  /** Keys shared by every object of the body (PostgREST requires them to be uniform). */
  keys: string[]
  /**
   * A form-encoded body's pairs in order, repeats kept: a function call reads them as it reads
   * query-string arguments (a variadic argument repeated, the last value of any other).
   */
  form?: [string, string][]
  /**
   * A raw body (`text/plain`, `text/xml`, `application/octet-stream`) for a function of one
   * unnamed `text`, `xml` or `bytea` parameter, which receives it as it is.
   */
  rawArg?: { type: RawArgType; value: string | Buffer }
}

export type RawArgType = 'text' | 'xml' | 'bytea'

export interface QueryParams {
  select: readonly SelectItem[]
  filters: { path: EmbedPath; filter: Filter }[]
  logic: { path: EmbedPath; tree: LogicTree }[]
  order: { path: EmbedPath; terms: OrderTerm[] }[]
  /** `limit`/`offset` of embedded resources; the top level is ApiRequest.range. */
  ranges: { path: EmbedPath; range: Range }[]
  columns?: string[]
  onConflict?: string[]
  /** GET/HEAD rpc arguments: parameters without an operator, in order (repeats kept for variadics). */
  rpcArgs: [string, string][]
  /** Query string with parameters sorted by name, as PostgREST's Content-Location uses. */
  canonical: string
}

export interface ApiRequest {
  action: Action
  /** HEAD: no body wanted. */
  headersOnly: boolean
  /** For `call`: GET/HEAD reads arguments from the query string, POST from the body. */
  invokeMethod?: 'get' | 'post'
  query: QueryParams
  /** Top-level page: `limit`/`offset` intersected with the `Range` header (GET only). */
  range: Range
  preferences: Preferences
  /**
   * The media type picked among Floe's own for `Accept`. A call's is chosen again by its plan
   * (CallPlan.read.media): a function may answer a type of its own, and when none of these
   * fit, this is JSON and the plan answers 406 unless the function's own type fits.
   */
  media: MediaType
  /** `Accept`, parsed and ordered (first preferred). */
  accept: string[]
  payload?: Payload
  /** Columns written by a mutation: `columns=` if given, else the payload's keys. */
  columns: string[]
}
