/**
 * Relationships from foreign keys, in PostgREST's order of inference:
 *   1. each FK is a many-to-one edge, or one-to-one when its columns are exactly the referencing
 *      table's primary key or a UNIQUE constraint (a bare unique index does not count, as in
 *      PostgREST: the embedding's shape, object or array, must be the same as PostgREST's);
 *   2. edges are copied onto views that show all of an FK's columns (view→table, table→view,
 *      view→view), one copy per way of picking the view columns when a column appears twice;
 *   3. many-to-many through a junction: a relation with two different many-to-one edges whose
 *      columns together lie within its primary key (PostgREST requires the PK; a unique key is not
 *      enough, so we do not accept one either: an extra m2m would make PostgREST-valid embeds
 *      ambiguous);
 *   4. every edge is also seen from its other end (one-to-many, or one-to-one).
 * Only relationships whose both ends (and junction) are in an exposed schema are kept.
 */
import type { RawForeignKey, RawKey } from './catalog-query.js'
import type { QualifiedName, Relationship } from './types.js'

interface Endpoint {
  oid: number
  name: QualifiedName
  exposed: boolean
}

interface Edge {
  from: Endpoint
  to: Endpoint
  constraint: string
  columns: string[]
  foreignColumns: string[]
  oneToOne: boolean
  viaView: boolean
}

/** An exposed view: its qualified name and, per base table, which view columns show each base column. */
export interface ViewDependencies {
  oid: number
  name: QualifiedName
  /** base table oid → base attnum → view column names, in view column order. */
  bases: Map<number, Map<number, string[]>>
}

export interface RelationshipInput {
  foreignKeys: RawForeignKey[]
  keys: RawKey[]
  views: ViewDependencies[]
  /** Primary keys of every exposed relation (views: already inferred), by oid. */
  primaryKeys: Map<number, string[]>
  isExposedSchema: (schema: string) => boolean
}

const sameSet = (a: number[], b: number[]) => a.length === b.length && a.every((x) => b.includes(x))

function baseEdges(input: RelationshipInput): (Edge & { attnums: number[]; fattnums: number[] })[] {
  const uniqueConstraints = new Map<number, number[][]>()
  for (const key of input.keys) {
    if (!key.is_constraint) continue
    uniqueConstraints.set(key.relid, [...(uniqueConstraints.get(key.relid) ?? []), key.attnums])
  }
  return input.foreignKeys.map((fk) => ({
    from: { oid: fk.relid, name: `${fk.schema}.${fk.table}`, exposed: input.isExposedSchema(fk.schema) },
    to: { oid: fk.frelid, name: `${fk.fschema}.${fk.ftable}`, exposed: input.isExposedSchema(fk.fschema) },
    constraint: fk.name,
    columns: fk.names,
    foreignColumns: fk.fnames,
    attnums: fk.attnums,
    fattnums: fk.fattnums,
    oneToOne: (uniqueConstraints.get(fk.relid) ?? []).some((cols) => sameSet(cols, fk.attnums)),
    viaView: false,
  }))
}

/** Every choice of view columns showing all of `attnums` of `baseOid` (empty: not all shown). */
function viewColumnChoices(view: ViewDependencies, baseOid: number, attnums: number[]): string[][] {
  const byAttnum = view.bases.get(baseOid)
  if (!byAttnum) return []
  let choices: string[][] = [[]]
  for (const attnum of attnums) {
    const options = byAttnum.get(attnum)
    if (!options) return []
    choices = choices.flatMap((prefix) => options.map((col) => [...prefix, col]))
  }
  return choices
}

function viewEdges(edge: ReturnType<typeof baseEdges>[number], views: ViewDependencies[]): Edge[] {
  const asEndpoint = (v: ViewDependencies): Endpoint => ({ oid: v.oid, name: v.name, exposed: true })
  const fromViews = views.flatMap((v) => viewColumnChoices(v, edge.from.oid, edge.attnums).map((cols) => ({ v, cols })))
  const toViews = views.flatMap((v) => viewColumnChoices(v, edge.to.oid, edge.fattnums).map((cols) => ({ v, cols })))
  const common = { constraint: edge.constraint, oneToOne: edge.oneToOne, viaView: true }
  return [
    ...fromViews.map(({ v, cols }) => ({ ...common, from: asEndpoint(v), to: edge.to, columns: cols, foreignColumns: edge.foreignColumns })),
    ...toViews.map(({ v, cols }) => ({ ...common, from: edge.from, to: asEndpoint(v), columns: edge.columns, foreignColumns: cols })),
    ...fromViews.flatMap((f) =>
      toViews.map((t) => ({ ...common, from: asEndpoint(f.v), to: asEndpoint(t.v), columns: f.cols, foreignColumns: t.cols })),
    ),
  ]
}

function manyToMany(edges: Edge[], primaryKeys: Map<number, string[]>): { rel: Relationship; exposed: boolean }[] {
  const byJunction = new Map<number, Edge[]>()
  for (const e of edges) if (!e.oneToOne) byJunction.set(e.from.oid, [...(byJunction.get(e.from.oid) ?? []), e])
  const out: { rel: Relationship; exposed: boolean }[] = []
  for (const [junctionOid, fromJunction] of byJunction) {
    const pk = new Set(primaryKeys.get(junctionOid) ?? [])
    for (const source of fromJunction) {
      for (const target of fromJunction) {
        if (source.constraint === target.constraint) continue
        if (![...source.columns, ...target.columns].every((c) => pk.has(c))) continue
        const rel: Relationship = {
          kind: 'many-to-many',
          table: source.to.name,
          foreignTable: target.to.name,
          constraintName: target.constraint,
          columns: source.foreignColumns,
          foreignColumns: target.foreignColumns,
          junction: {
            table: source.from.name,
            sourceConstraint: source.constraint,
            sourceColumns: source.columns,
            targetConstraint: target.constraint,
            targetColumns: target.columns,
          },
        }
        if (source.viaView || target.viaView) rel.viaView = true
        out.push({ rel, exposed: source.from.exposed && source.to.exposed && target.to.exposed })
      }
    }
  }
  return out
}

function bothEnds(e: Edge): Relationship[] {
  const extra = e.viaView ? { viaView: true } : {}
  const forward: Relationship = {
    kind: e.oneToOne ? 'one-to-one' : 'many-to-one',
    table: e.from.name,
    foreignTable: e.to.name,
    constraintName: e.constraint,
    columns: e.columns,
    foreignColumns: e.foreignColumns,
    ...extra,
  }
  const inverse: Relationship = {
    kind: e.oneToOne ? 'one-to-one' : 'one-to-many',
    table: e.to.name,
    foreignTable: e.from.name,
    constraintName: e.constraint,
    columns: e.foreignColumns,
    foreignColumns: e.columns,
    ...extra,
  }
  return [forward, inverse]
}

const KIND_ORDER = { 'many-to-one': 0, 'one-to-one': 1, 'one-to-many': 2, 'many-to-many': 3 } as const

/** Code-point order, not localeCompare: the order must not depend on the machine's ICU data. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function compareRelationships(a: Relationship, b: Relationship): number {
  return (
    cmp(a.foreignTable, b.foreignTable) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    cmp(a.constraintName, b.constraintName) ||
    cmp(a.junction?.table ?? '', b.junction?.table ?? '') ||
    cmp(a.columns.join(','), b.columns.join(','))
  )
}

/** Relationships keyed by the relation they are seen from, each list in a stable order. */
export function buildRelationships(input: RelationshipInput): Map<QualifiedName, Relationship[]> {
  const base = baseEdges(input)
  const edges: Edge[] = [...base, ...base.flatMap((e) => viewEdges(e, input.views))]
  const found: Relationship[] = []
  for (const e of edges) if (e.from.exposed && e.to.exposed) found.push(...bothEnds(e))
  for (const { rel, exposed } of manyToMany(edges, input.primaryKeys)) if (exposed) found.push(rel)
  const byTable = new Map<QualifiedName, Relationship[]>()
  for (const rel of found) byTable.set(rel.table, [...(byTable.get(rel.table) ?? []), rel])
  for (const list of byTable.values()) list.sort(compareRelationships)
  return byTable
}
