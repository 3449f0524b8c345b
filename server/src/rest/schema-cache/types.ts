/**
 * The schema cache's shape: what the data API knows about the exposed schemas. Loaded by
 * introspection (load.ts), read by every later stage (parse → plan → build), never mutated after
 * it is built: a reload builds a new one and swaps the reference.
 */

/** `schema.name`, the key of every map below. */
export type QualifiedName = `${string}.${string}`

export interface Column {
  name: string
  /** format_type() text, e.g. `integer`, `character varying(20)`, `text[]`, `public.mood`. */
  type: string
  /** The base type name (pg_type.typname), e.g. `int4`, `varchar`, `_text`, `mood`. */
  udtName: string
  /** A domain's base type name (through nested domains); absent for anything but a domain. */
  baseUdtName?: string
  /** `b` base, `e` enum, `c` composite, `d` domain, `r` range, `m` multirange; arrays report `b` with isArray. */
  typeKind: 'b' | 'e' | 'c' | 'd' | 'r' | 'm' | 'p'
  isArray: boolean
  nullable: boolean
  /** Column default expression as Postgres prints it, or null. */
  default: string | null
  /** GENERATED ALWAYS AS (...) STORED or an identity ALWAYS column: not writable. */
  isGenerated: boolean
  isIdentity: boolean
  maxLength: number | null
  /** Labels of an enum column, also through a domain or an array (`mood[]` lists mood's labels). */
  enumValues: string[] | null
  description: string | null
  /** 1-based ordinal position (pg_attribute.attnum: a dropped column leaves a gap, as in PostgREST). */
  position: number
}

export interface Table {
  schema: string
  name: string
  kind: 'table' | 'view' | 'materialized_view' | 'foreign_table' | 'partitioned_table'
  insertable: boolean
  updatable: boolean
  deletable: boolean
  /** In ordinal order. */
  columns: Column[]
  columnsByName: Map<string, Column>
  /** In key order. Empty when the table has none (views: inferred from the base table where possible). */
  primaryKey: string[]
  /** Unique constraints/indexes (non-partial, no expressions), each a column list, the primary key
   *  not repeated here; used for on_conflict. (One-to-one is decided on PK/UNIQUE constraints only.) */
  uniqueKeys: string[][]
  description: string | null
  /**
   * Computed fields by name, absent when there are none: functions of the table's schema taking
   * its row type (PostgREST reaches them as `table.fn`, Postgres' attribute notation). A column
   * of the same name wins, as in Postgres.
   */
  computed?: Map<string, ComputedField>
}

/** `fn(table)`: selectable, filterable and orderable like a column, never written. */
export interface ComputedField {
  schema: string
  /** The function's name, which is also the field's. */
  name: string
  /** format_type of the result, e.g. `boolean`, `tsvector`. */
  returnType: string
}

/**
 * A relationship seen from `table`. Foreign keys appear from both ends: `many-to-one` from the
 * referencing table (`columns` → `foreignColumns`), `one-to-many` from the referenced one; a
 * referencing side whose columns are also unique yields `one-to-one` from both ends.
 * `many-to-many` goes through `junction`.
 */
export interface Relationship {
  kind: 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many'
  table: QualifiedName
  foreignTable: QualifiedName
  /** FK constraint name (for m2m: the constraint from junction to `foreignTable`). */
  constraintName: string
  /** Columns of `table`. */
  columns: string[]
  /** Columns of `foreignTable`, paired with `columns`. */
  foreignColumns: string[]
  junction?: {
    table: QualifiedName
    /** FK from the junction to `table`. */
    sourceConstraint: string
    /** Junction columns referencing `table`'s `columns`. */
    sourceColumns: string[]
    /** FK from the junction to `foreignTable`. */
    targetConstraint: string
    /** Junction columns referencing `foreignTable`'s `foreignColumns`. */
    targetColumns: string[]
  }
  /** True when the relationship was inferred through a view rather than declared on it. */
  viaView?: boolean
}

export interface FunctionArg {
  /** Empty string for an unnamed argument. */
  name: string
  type: string
  udtName: string
  hasDefault: boolean
  mode: 'in' | 'inout' | 'variadic'
}

export interface DbFunction {
  schema: string
  name: string
  oid: number
  args: FunctionArg[]
  /** format_type of the return type, e.g. `integer`, `SETOF public.films`, `record`. */
  returnType: string
  returnsSet: boolean
  /** When the result rows are a table/view/composite type of the cache (filterable/embeddable). */
  returnsTable: QualifiedName | null
  /** `RETURNS TABLE(...)` / OUT / INOUT params: the column names and types of the result record; also
   *  the attributes of a composite type that is not a relation of the cache. */
  returnColumns: { name: string; type: string }[] | null
  returnsScalar: boolean
  /**
   * The media type the function's return domain is named after (`text/plain`, or the any-type
   * domain, resolved to application/octet-stream), if any:
   * such a function can answer its value raw. `binary`: the domain is over bytea.
   */
  returnMedia: { type: string; binary: boolean } | null
  volatility: 'immutable' | 'stable' | 'volatile'
  description: string | null
}

export interface SchemaCache {
  schemas: string[]
  tables: Map<QualifiedName, Table>
  /** Keyed by the table the relationship is seen from. */
  relationships: Map<QualifiedName, Relationship[]>
  /** Keyed by `schema.name`; overloads share a key. */
  functions: Map<QualifiedName, DbFunction[]>
  /** Postgres server_version_num. */
  pgVersion: number
  /**
   * Whether any SQL in the database (function, policy, default, check, view) mentions
   * request.method, .path, .headers or .cookies, or reads a setting by a computed name. Only then
   * are they set per request: building and sending them cost GET by primary key about 10% of its
   * throughput (bench/README.md, issue 15), and nothing else can observe them.
   */
  readsRequestSettings: boolean
  /**
   * Whether any SQL in the database may set response.headers or .status (by name, by set_config
   * with a computed name, or a database/role setting) or runs dynamic
   * SQL outside Floe's own schemas. Only then does a statement read them back.
   */
  setsResponseSettings: boolean
  loadedAt: Date
}
