/**
 * The plans: the request checked against the schema cache, every column and relationship
 * resolved, every SQL-visible name decided. The builder turns a plan into SQL without consulting
 * the cache again.
 */
import type {
  JoinType, JsonOperation, MediaType, Operation, Payload, Preferences, Range,
} from '../parse/types.js'
import type { Column, ComputedField, DbFunction, FunctionArg, Relationship, Table } from '../schema-cache/types.js'

/** How a node's rows are named in SQL: `"schema"."table"` at the top of a read, an alias elsewhere. */
export type SqlRef = { kind: 'table'; schema: string; name: string } | { kind: 'alias'; name: string }

export interface PlannedField {
  /** A column of the node's table, or `*`. */
  name: string
  jsonPath: JsonOperation[]
  /** JSON paths on a non-json column go through to_jsonb(), as PostgREST does. */
  toJson: boolean
  column?: Column
  /** A computed field read from the table itself: `fn(row)`. (Read from `pgrst_source`, the
   *  statement already computed it into a column of that name.) */
  computed?: ComputedField
}

export interface PlannedSelect {
  field: PlannedField
  alias?: string
  /** A type name checked by the planner to be a plain type name (letters, digits, `_`, known multi-word types). */
  cast?: string
}

export type PlannedFilter =
  /** toTsVector: fts on a column that is not a tsvector, searched as `to_tsvector([config,] col)`. */
  | { kind: 'op'; field: PlannedField; negated: boolean; operation: Operation; toTsVector?: true }
  /** `embed=is.null` / `embed=not.is.null` on an embedded resource: tests the lateral row itself. */
  | { kind: 'null-embed'; negated: boolean; aggAlias: string }

export type PlannedLogic =
  | { type: 'expr'; negated: boolean; operator: 'and' | 'or'; children: PlannedLogic[] }
  | { type: 'filter'; filter: PlannedFilter }

export type PlannedOrder =
  | { kind: 'column'; field: PlannedField; direction?: 'asc' | 'desc'; nulls?: 'first' | 'last' }
  /** `order=director(name)`: a column of an embedded to-one resource, read from its lateral row. */
  | { kind: 'relation'; aggAlias: string; field: PlannedField; direction?: 'asc' | 'desc'; nulls?: 'first' | 'last' }

export interface JoinCondition {
  left: { ref: SqlRef; column: string }
  right: { ref: SqlRef; column: string }
}

export interface ReadPlanNode {
  table: Table
  /** How this node's columns are referenced in SQL. */
  ref: SqlRef
  /** Set when the rows come from the `pgrst_source` CTE (mutations, rpc) instead of the table. */
  fromSource?: boolean
  select: PlannedSelect[]
  where: PlannedLogic[]
  order: PlannedOrder[]
  range: Range
  depth: number
  children: EmbedNode[]
}

export interface EmbedNode extends ReadPlanNode {
  relName: string
  relAlias?: string
  /** The alias of the lateral subquery in the parent's FROM. */
  aggAlias: string
  joinType?: JoinType
  isSpread: boolean
  isToOne: boolean
  relationship: Relationship
  junction?: { table: Table; ref: SqlRef }
  joinConditions: JoinCondition[]
}

export interface ReadPlan {
  root: ReadPlanNode
  media: MediaType
  headersOnly: boolean
  count?: Preferences['count']
}

export interface WriteColumn {
  column: Column
}

export type MutationKind = 'insert' | 'update' | 'delete' | 'upsert'

export interface MutationPlan {
  kind: MutationKind
  table: Table
  /** Columns written, in order; empty for delete. */
  columns: Column[]
  payload?: Payload
  where: PlannedLogic[]
  order: PlannedOrder[]
  range: Range
  onConflict?: { resolution: 'merge-duplicates' | 'ignore-duplicates'; columns: string[] }
  applyDefaults: boolean
  /** Columns RETURNING must hand to the read part: `*` or names (selected + fk + pk). */
  returning: string[]
  returnRepresentation: boolean
  /** Build the Location header data (POST with return=headers-only, or representation). */
  wantsLocation: boolean
  /** The read part over the mutated rows (`pgrst_source`). */
  read: ReadPlan
}

export type CallParams =
  | { kind: 'named'; args: FunctionArg[] }
  /** A single unnamed (or Prefer: params=single-object) json/jsonb parameter receiving the whole body. */
  | { kind: 'single'; arg: FunctionArg }

export interface CallPlan {
  fn: DbFunction
  params: CallParams
  /** JSON argument values: the POST body, or the query-string (or form) arguments encoded as one object. */
  argsJson: string
  /** argsJson is an object; else a JSON array, of which the call takes the first object (as PostgREST). */
  argsIsObject: boolean
  /** A raw body (text, xml or bytes) for the function's one unnamed parameter, bound as it is. */
  rawArg?: string | Buffer
  /** The result is one value (`pgrst_scalar`), not rows with columns. */
  isScalar: boolean
  /** Not a set: the body is one value or object, and page_total is 1. */
  returnsSingle: boolean
  /** RETURNS void: the executor answers 204. */
  returnsVoid: boolean
  /** Columns of the result rows the read part needs (`*` or names). */
  returning: string[]
  /** The read over the function's rows (`pgrst_source`): filters, order, limits, embeds, select. */
  read: ReadPlan
}
