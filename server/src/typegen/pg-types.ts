/**
 * A Postgres type (by oid) as a TypeScript type, as PostgREST sends it in JSON: numbers for the
 * numeric types (bigint and numeric included, as postgres-meta types them), strings for text,
 * times, ranges and network types, `Json` for json/jsonb, arrays of the element type, a domain
 * as its base type, an enum as a reference to `Enums` (or its labels, when its schema is not
 * described), composites and row types as references to `CompositeTypes`, `Tables` or `Views`.
 */
import type { RawType } from './catalog-query.js'

const BY_NAME: Record<string, string> = {
  bool: 'boolean',
  json: 'Json',
  jsonb: 'Json',
  void: 'undefined',
  record: 'Record<string, unknown>',
}
for (const n of ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid']) BY_NAME[n] = 'number'
const STRINGS = [
  'bytea', 'bpchar', 'char', 'varchar', 'name', 'text', 'citext', 'uuid', 'date', 'time', 'timetz', 'timestamp',
  'timestamptz', 'interval', 'money', 'inet', 'cidr', 'macaddr', 'macaddr8', 'bit', 'varbit', 'xml', 'tsvector',
  'tsquery', 'point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle', 'vector', 'halfvec', 'regclass', 'regproc',
  'regtype', 'ltree', 'lquery', 'geometry', 'geography',
]
for (const n of STRINGS) BY_NAME[n] = 'string'

/** What a reference to a relation or type of a described schema resolves to. */
export interface TypeContext {
  types: Map<number, RawType>
  /** The schemas being described: a type of another schema is inlined or `unknown`. */
  schemas: Set<string>
  /** relid → `Tables` or `Views`, for relations of the described schemas. */
  relationSection: Map<number, { schema: string; name: string; section: 'Tables' | 'Views' }>
}

const q = JSON.stringify

export function tsTypeOf(oid: number, ctx: TypeContext, depth = 0): string {
  const t = ctx.types.get(oid)
  if (!t || depth > 20) return 'unknown'
  if (t.elem !== null) {
    const inner = tsTypeOf(t.elem, ctx, depth + 1)
    return inner.includes(' | ') ? `(${inner})[]` : `${inner}[]`
  }
  if (t.kind === 'd' && t.base !== null) return tsTypeOf(t.base, ctx, depth + 1)
  if (t.kind === 'e') {
    if (ctx.schemas.has(t.schema)) return `Database[${q(t.schema)}]["Enums"][${q(t.name)}]`
    return (t.labels ?? []).map((l) => q(l)).join(' | ') || 'never'
  }
  if (t.kind === 'c') {
    if (t.relkind === 'c') return ctx.schemas.has(t.schema) ? `Database[${q(t.schema)}]["CompositeTypes"][${q(t.name)}]` : 'unknown'
    const rel = t.relid !== null ? ctx.relationSection.get(t.relid) : undefined
    return rel ? `Database[${q(rel.schema)}][${q(rel.section)}][${q(rel.name)}]["Row"]` : 'unknown'
  }
  // Ranges and multiranges travel as their text form, e.g. "[1,10)".
  if (t.kind === 'r' || t.kind === 'm') return 'string'
  return BY_NAME[t.name] ?? 'unknown'
}

export function orNull(type: string, nullable: boolean): string {
  return nullable && type !== 'unknown' ? `${type} | null` : type
}
