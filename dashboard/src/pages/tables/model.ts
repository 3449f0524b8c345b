/**
 * What the table editor knows of a table (the admin schema API's shapes, as the server sends
 * them) and what it derives: each column's kind, which drives its input, its display and the
 * filter operators offered.
 */
import type { Column, EnumType, TableDetail } from '../../lib/schema-types'

export type { Column, EnumType, ForeignKey, TableDetail, TableSummary, TableWarning } from '../../lib/schema-types'

export type Row = Record<string, unknown>

export type Kind = 'text' | 'int' | 'float' | 'bool' | 'timestamptz' | 'timestamp' | 'date' | 'json' | 'uuid' | 'enum' | 'array' | 'other'

/** A column with what the editor derived from its type. */
export interface Field extends Column {
  kind: Kind
  /** The enum's values (kind 'enum'). */
  values?: string[]
  /** Element kind of an array column. */
  element?: Kind
  /** The single-column foreign key this column is, if any. */
  fk?: { name: string; schema: string; table: string; column: string }
  /** Postgres fills it (identity always); never sent on insert or update. */
  readOnly: boolean
}

function baseKind(type: string, enums: EnumType[], schema: string): { kind: Kind; values?: string[] } {
  const t = type.replace(/\(.*\)/, '').trim()
  if (/^(text|character varying|character|varchar|char|citext|name|bpchar)$/.test(t)) return { kind: 'text' }
  if (/^(smallint|integer|bigint|int2|int4|int8)$/.test(t)) return { kind: 'int' }
  if (/^(numeric|decimal|real|double precision|float4|float8|money)$/.test(t)) return { kind: 'float' }
  if (t === 'boolean') return { kind: 'bool' }
  if (t === 'timestamp with time zone') return { kind: 'timestamptz' }
  if (t === 'timestamp without time zone') return { kind: 'timestamp' }
  if (t === 'date') return { kind: 'date' }
  if (t === 'json' || t === 'jsonb') return { kind: 'json' }
  if (t === 'uuid') return { kind: 'uuid' }
  const name = t.replace(/"/g, '')
  const e = name.includes('.')
    ? enums.find((x) => `${x.schema}.${x.name}` === name)
    : (enums.find((x) => x.name === name && x.schema === schema) ?? enums.find((x) => x.name === name))
  if (e) return { kind: 'enum', values: e.values }
  return { kind: 'other' }
}

export function toFields(table: TableDetail, enums: EnumType[]): Field[] {
  return table.columns.map((c) => {
    const isArray = c.type.endsWith('[]')
    const base = baseKind(isArray ? c.type.replace(/(\[\d*\])+$/, '') : c.type, enums, table.schema)
    const fk = table.foreign_keys.find((k) => k.columns.length === 1 && k.columns[0] === c.name)
    return {
      ...c,
      kind: isArray ? 'array' : base.kind,
      ...(isArray ? { element: base.kind } : base.values ? { values: base.values } : {}),
      ...(fk ? { fk: { name: fk.name, schema: fk.referenced_schema, table: fk.referenced_table, column: fk.referenced_columns[0]! } } : {}),
      readOnly: c.identity === 'always',
    }
  })
}

/** Every PostgREST operator, with how the filter builder names it. */
export const OPERATORS = {
  eq: 'equals', neq: 'not equal', gt: 'greater than', gte: 'greater or equal', lt: 'less than', lte: 'less or equal',
  like: 'like', ilike: 'ilike (any case)', match: 'matches regex', imatch: 'matches regex (any case)',
  in: 'is one of', is: 'is', isdistinct: 'is distinct from',
  cs: 'contains', cd: 'contained in', ov: 'overlaps', fts: 'full-text search', plfts: 'plain full-text', phfts: 'phrase full-text', wfts: 'web full-text',
  sl: 'strictly left of', sr: 'strictly right of', nxr: 'not extending right of', nxl: 'not extending left of', adj: 'adjacent to',
} as const
export type Operator = keyof typeof OPERATORS

const ORDERED: Operator[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'is', 'isdistinct']

/** The operators that make sense for a column of this kind (ranges and other types get them all). */
export function operatorsFor(f: Field): Operator[] {
  switch (f.kind) {
    case 'text':
      return ['eq', 'neq', 'ilike', 'like', 'match', 'imatch', 'in', 'gt', 'gte', 'lt', 'lte', 'is', 'isdistinct', 'fts', 'plfts', 'phfts', 'wfts']
    case 'int': case 'float': case 'timestamptz': case 'timestamp': case 'date':
      return ORDERED
    case 'bool':
      return ['is', 'eq', 'neq', 'isdistinct']
    case 'uuid':
      return ['eq', 'neq', 'in', 'is', 'isdistinct']
    case 'enum':
      return ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'is', 'isdistinct']
    case 'json':
      return ['cs', 'cd', 'eq', 'neq', 'is']
    case 'array':
      return ['cs', 'cd', 'ov', 'eq', 'neq', 'is']
    default:
      return Object.keys(OPERATORS) as Operator[]
  }
}

/** `books` for public, `app.books` otherwise; the URL form is always `<schema>.<table>`. */
export const tableId = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`

/** A cell's text in the grid (null is shown apart, by the caller). */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** The column a referenced row is best named by: name, title, label, email, else the first text column. */
export function labelColumn(t: TableDetail, keyColumn: string): string | undefined {
  const texts = t.columns.filter((c) => c.name !== keyColumn && /^(text|character varying|citext)/.test(c.type))
  return (['name', 'title', 'label', 'email', 'slug', 'username'].map((n) => texts.find((c) => c.name === n)).find(Boolean) ?? texts[0])?.name
}
