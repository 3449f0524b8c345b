/**
 * Tables and views as `Row` / `Insert` / `Update` / `Relationships` members. Where this departs
 * from `supabase gen types`, on purpose:
 * - a view column keeps the nullability of the base column it shows (read from the view's stored
 *   query, followed through views of views) unless that view or one it is built on has an outer
 *   join or grouping sets, where a base NOT NULL column can still come out null;
 * - computed fields (functions of the row type) are Row members and named in `ComputedFields`,
 *   which postgrest-js reads to keep them out of `select('*')`;
 * - generated columns (GENERATED ALWAYS AS, identity ALWAYS) are `?: never` on Insert and Update,
 *   identity BY DEFAULT and defaulted columns optional on Insert.
 */
import type { ColumnOrigin } from '../rest/index.js'
import type { RawColumn, RawForeignKey, RawRelation, RawTypegenCatalog, RawView } from './catalog-query.js'
import { orNull, tsTypeOf, type TypeContext } from './pg-types.js'

export interface Member {
  name: string
  type: string
  optional: boolean
}

export interface RelationShape {
  name: string
  section: 'Tables' | 'Views'
  row: Member[]
  /** Absent for a view that takes no writes. */
  insert?: Member[]
  update?: Member[]
  relationships: Relationship[]
  computedFields: string[]
}

export interface Relationship {
  foreignKeyName: string
  columns: string[]
  isOneToOne: boolean
  referencedRelation: string
  referencedColumns: string[]
}

export interface RelationInputs {
  catalog: RawTypegenCatalog
  ctx: TypeContext
  /** view oid → view column attnum → the table column it shows. */
  origins: Map<number, Map<number, ColumnOrigin>>
  /** relid → computed fields: name and TS type of the result. */
  computed: Map<number, { name: string; type: string }[]>
}

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** `:jointype 1|2|3` are LEFT, FULL and RIGHT joins in a stored query; non-empty grouping sets null out columns too. */
const MAY_NULL_OUT = /:jointype [123]\b|:groupingSets \(/

function outerJoinViews(views: RawView[]): Set<number> {
  const byOid = new Map(views.map((v) => [v.oid, v]))
  const memo = new Map<number, boolean>()
  const visit = (oid: number, seen: Set<number>): boolean => {
    const known = memo.get(oid)
    if (known !== undefined) return known
    const view = byOid.get(oid)
    if (!view || seen.has(oid)) return false
    seen.add(oid)
    const result = MAY_NULL_OUT.test(view.definition) || view.depends_on.some((d) => byOid.has(d) && visit(d, seen))
    memo.set(oid, result)
    return result
  }
  return new Set(views.filter((v) => visit(v.oid, new Set())).map((v) => v.oid))
}

export function buildRelations(input: RelationInputs): Map<string, RelationShape[]> {
  const { catalog, ctx } = input
  const columnsByRel = new Map<number, RawColumn[]>()
  for (const c of catalog.columns) columnsByRel.set(c.relid, [...(columnsByRel.get(c.relid) ?? []), c])
  const column = (relid: number, attnum: number) => columnsByRel.get(relid)?.find((c) => c.attnum === attnum)
  const nullsOut = outerJoinViews(catalog.views)
  const described = new Map(catalog.relations.map((r) => [r.oid, r]))

  const isNullable = (rel: RawRelation, c: RawColumn): boolean => {
    if (rel.kind !== 'v' && rel.kind !== 'm') return !c.not_null
    if (nullsOut.has(rel.oid)) return true
    const origin = input.origins.get(rel.oid)?.get(c.attnum)
    const base = origin ? column(origin.relid, origin.attnum) : undefined
    return !base?.not_null
  }

  const relationships = relationshipsOf(catalog.foreignKeys, catalog.uniques, described, columnsByRel, input.origins)
  const bySchema = new Map<string, RelationShape[]>()
  for (const rel of catalog.relations) {
    const cols = [...(columnsByRel.get(rel.oid) ?? [])].sort((a, b) => cmp(a.name, b.name))
    const typed = cols.map((c) => ({ c, type: tsTypeOf(c.type, ctx), nullable: isNullable(rel, c) }))
    const computed = [...(input.computed.get(rel.oid) ?? [])].sort((a, b) => cmp(a.name, b.name))
    const row: Member[] = [
      ...typed.map(({ c, type, nullable }) => ({ name: c.name, type: orNull(type, nullable), optional: false })),
      ...computed.filter((f) => !cols.some((c) => c.name === f.name)).map((f) => ({ name: f.name, type: orNull(f.type, true), optional: false })),
    ]
    const isView = rel.kind === 'v' || rel.kind === 'm'
    const writable = !isView || (rel.updatable_bits & (4 | 8)) !== 0
    const never = (name: string): Member => ({ name, type: 'never', optional: true })
    const shape: RelationShape = {
      name: rel.name,
      section: isView ? 'Views' : 'Tables',
      row,
      relationships: relationships.get(rel.oid) ?? [],
      computedFields: computed.map((f) => f.name),
    }
    if (writable) {
      const fixed = (c: RawColumn) => c.generated !== '' || c.identity === 'a' || !c.updatable
      shape.insert = typed.map(({ c, type, nullable }) =>
        fixed(c) ? never(c.name) : { name: c.name, type: orNull(type, nullable), optional: isView || nullable || c.has_default || c.identity === 'd' },
      )
      shape.update = typed.map(({ c, type, nullable }) => (fixed(c) ? never(c.name) : { name: c.name, type: orNull(type, nullable), optional: true }))
    }
    bySchema.set(rel.schema, [...(bySchema.get(rel.schema) ?? []), shape])
  }
  for (const list of bySchema.values()) list.sort((a, b) => cmp(a.name, b.name))
  return bySchema
}

/**
 * Each foreign key from the side that holds it, as postgrest-js reads it (it finds the reverse
 * direction by looking at the other table's entries). Copied onto a view that shows all of the
 * key's columns (view → table), and onto the referencing table for a view that shows all of the
 * referenced columns (table → view), so embeds through views are typed too. Only references
 * within one schema: `referencedRelation` is a bare name.
 */
function relationshipsOf(
  fks: RawForeignKey[],
  uniques: { relid: number; attnums: number[] }[],
  described: Map<number, RawRelation>,
  columnsByRel: Map<number, RawColumn[]>,
  origins: Map<number, Map<number, ColumnOrigin>>,
): Map<number, Relationship[]> {
  const nameOf = (relid: number, attnum: number) => columnsByRel.get(relid)?.find((c) => c.attnum === attnum)?.name ?? ''
  const sameSet = (a: number[], b: number[]) => a.length === b.length && a.every((x) => b.includes(x))
  /** The view's columns showing `attnums` of `relid`, or undefined when one is not shown. */
  const viewColumns = (viewOid: number, relid: number, attnums: number[]): string[] | undefined => {
    const byResno = origins.get(viewOid)
    if (!byResno) return undefined
    const out: string[] = []
    for (const attnum of attnums) {
      const resno = [...byResno].filter(([, o]) => o.relid === relid && o.attnum === attnum).map(([r]) => r).sort((a, b) => a - b)[0]
      if (resno === undefined) return undefined
      out.push(nameOf(viewOid, resno))
    }
    return out
  }
  const out = new Map<number, Relationship[]>()
  const add = (relid: number, r: Relationship) => out.set(relid, [...(out.get(relid) ?? []), r])
  const views = [...described.values()].filter((r) => r.kind === 'v' || r.kind === 'm')
  for (const fk of fks) {
    const from = described.get(fk.relid)
    const to = described.get(fk.frelid)
    const isOneToOne = uniques.some((u) => u.relid === fk.relid && sameSet(u.attnums, fk.attnums))
    const columns = fk.attnums.map((n) => nameOf(fk.relid, n))
    const referencedColumns = fk.fattnums.map((n) => nameOf(fk.frelid, n))
    const base = { foreignKeyName: fk.name, isOneToOne }
    if (from && to && from.schema === to.schema) add(from.oid, { ...base, columns, referencedRelation: to.name, referencedColumns })
    for (const view of views) {
      const viewFrom = viewColumns(view.oid, fk.relid, fk.attnums)
      if (viewFrom && to && to.schema === view.schema) add(view.oid, { ...base, columns: viewFrom, referencedRelation: to.name, referencedColumns })
      const viewTo = viewColumns(view.oid, fk.frelid, fk.fattnums)
      if (viewTo && from && from.schema === view.schema) add(from.oid, { ...base, columns, referencedRelation: view.name, referencedColumns: viewTo })
    }
  }
  for (const list of out.values()) {
    list.sort((a, b) => cmp(a.foreignKeyName, b.foreignKeyName) || cmp(a.referencedRelation, b.referencedRelation) || cmp(a.columns.join(), b.columns.join()))
  }
  return out
}
