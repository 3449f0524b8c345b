/**
 * The SQL of each change, built from a plan whose parts were already checked (resolve.ts): every
 * identifier through quoteIdent, every label through quoteLiteral, keywords from closed lists, a
 * type only once Postgres resolved it, a default only as Postgres deparsed it. Pure: no database.
 */
import { quoteIdent, quoteLiteral } from '../../db/index.js'

export type FkAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default'
export type IndexMethod = 'btree' | 'hash' | 'gin' | 'gist' | 'brin'

export interface Named {
  schema: string
  name: string
}

export interface ColumnPlan {
  name: string
  /** Resolved by to_regtype. */
  type: string
  /** Deparsed by Postgres (parseDefault). */
  default?: string | undefined
  nullable: boolean
  unique: boolean
  primaryKey: boolean
  identity?: 'always' | 'by_default' | undefined
}

export interface ForeignKeyPlan {
  name?: string | undefined
  columns: string[]
  references: { schema: string; table: string; columns: string[] }
  onDelete: FkAction
  onUpdate: FkAction
}

export interface AlterColumnPlan {
  type?: string | undefined
  /** Checked by checkUsing, framed in parentheses and newlines. */
  using?: string | undefined
  /** Deparsed; null drops the default. */
  default?: string | null | undefined
  nullable?: boolean | undefined
  addUnique?: boolean | undefined
  /** Names of the column's single-column unique constraints to drop. */
  dropUnique?: string[] | undefined
  rename?: string | undefined
}

export const qname = (schema: string, name: string): string => `${quoteIdent(schema)}.${quoteIdent(name)}`
const q = (t: Named) => qname(t.schema, t.name)
const list = (names: readonly string[]) => names.map(quoteIdent).join(', ')

/** `<table>_<columns>_<suffix>`, cut to Postgres' 63 bytes the way it would cut it. */
export function defaultName(table: string, columns: readonly string[], suffix: string): string {
  let base = `${table}_${columns.join('_')}`
  while (Buffer.byteLength(`${base}_${suffix}`) > 63) base = base.slice(0, -1)
  return `${base}_${suffix}`
}

export function columnDefinition(c: ColumnPlan, inlinePrimaryKey: boolean): string {
  return [
    quoteIdent(c.name),
    c.type,
    c.identity ? `generated ${c.identity === 'always' ? 'always' : 'by default'} as identity` : '',
    c.default !== undefined ? `default ${c.default}` : '',
    c.nullable || c.primaryKey ? '' : 'not null',
    c.unique ? 'unique' : '',
    inlinePrimaryKey && c.primaryKey ? 'primary key' : '',
  ]
    .filter(Boolean)
    .join(' ')
}

export function addForeignKeySql(t: Named, fk: ForeignKeyPlan): string {
  const name = fk.name ? `constraint ${quoteIdent(fk.name)} ` : ''
  return (
    `alter table ${q(t)} add ${name}foreign key (${list(fk.columns)}) ` +
    `references ${qname(fk.references.schema, fk.references.table)} (${list(fk.references.columns)}) ` +
    `on delete ${fk.onDelete} on update ${fk.onUpdate}`
  )
}

/** One CREATE TABLE, then one statement per foreign key: all in the change's one transaction. */
export function createTableSql(t: Named, columns: ColumnPlan[], foreignKeys: ForeignKeyPlan[]): string[] {
  const pk = columns.filter((c) => c.primaryKey).map((c) => c.name)
  const parts = columns.map((c) => columnDefinition(c, false))
  if (pk.length > 0) parts.push(`primary key (${list(pk)})`)
  return [`create table ${q(t)} (${parts.join(', ')})`, ...foreignKeys.map((fk) => addForeignKeySql(t, fk))]
}

export const renameTableSql = (t: Named, to: string): string[] => [`alter table ${q(t)} rename to ${quoteIdent(to)}`]
export const dropTableSql = (t: Named, cascade: boolean): string[] => [`drop table ${q(t)}${cascade ? ' cascade' : ''}`]

export const addColumnSql = (t: Named, c: ColumnPlan): string[] => [`alter table ${q(t)} add column ${columnDefinition(c, true)}`]

export function alterColumnSql(t: Named, column: string, p: AlterColumnPlan): string[] {
  const alter = `alter table ${q(t)} alter column ${quoteIdent(column)}`
  const out: string[] = []
  if (p.type !== undefined) out.push(`${alter} type ${p.type}${p.using !== undefined ? ` using ${p.using}` : ''}`)
  if (p.default === null) out.push(`${alter} drop default`)
  else if (p.default !== undefined) out.push(`${alter} set default ${p.default}`)
  if (p.nullable !== undefined) out.push(`${alter} ${p.nullable ? 'drop' : 'set'} not null`)
  if (p.addUnique) out.push(`alter table ${q(t)} add unique (${quoteIdent(column)})`)
  for (const name of p.dropUnique ?? []) out.push(`alter table ${q(t)} drop constraint ${quoteIdent(name)}`)
  if (p.rename !== undefined) out.push(`alter table ${q(t)} rename column ${quoteIdent(column)} to ${quoteIdent(p.rename)}`)
  return out
}

export const dropColumnSql = (t: Named, column: string, cascade: boolean): string[] => [
  `alter table ${q(t)} drop column ${quoteIdent(column)}${cascade ? ' cascade' : ''}`,
]

/** Replaces the primary key, if there is one, in the same transaction. */
export function setPrimaryKeySql(t: Named, columns: string[], current: string | undefined): string[] {
  return [
    ...(current !== undefined ? [`alter table ${q(t)} drop constraint ${quoteIdent(current)}`] : []),
    `alter table ${q(t)} add primary key (${list(columns)})`,
  ]
}

export const dropConstraintSql = (t: Named, name: string, cascade = false): string[] => [
  `alter table ${q(t)} drop constraint ${quoteIdent(name)}${cascade ? ' cascade' : ''}`,
]

export function createIndexSql(t: Named, name: string, columns: string[], unique: boolean, method: IndexMethod): string[] {
  return [`create ${unique ? 'unique ' : ''}index ${quoteIdent(name)} on ${q(t)} using ${method} (${list(columns)})`]
}

export const dropIndexSql = (i: Named): string[] => [`drop index ${q(i)}`]

export const createEnumSql = (e: Named, values: string[]): string[] => [`create type ${q(e)} as enum (${values.map(quoteLiteral).join(', ')})`]

export function addEnumValueSql(e: Named, value: string, at: { before?: string | undefined; after?: string | undefined }): string[] {
  const where = at.before !== undefined ? ` before ${quoteLiteral(at.before)}` : at.after !== undefined ? ` after ${quoteLiteral(at.after)}` : ''
  return [`alter type ${q(e)} add value ${quoteLiteral(value)}${where}`]
}

export const dropEnumSql = (e: Named, cascade: boolean): string[] => [`drop type ${q(e)}${cascade ? ' cascade' : ''}`]
