/**
 * Which relationship an embed means: PostgREST's findRel. The target names a table (or, without a
 * hint, a constraint or a single fk column); a hint names a constraint, a column on either side or
 * a junction table. Self-references get their own rules. Zero matches → PGRST200, several → PGRST201.
 */
import type { Relationship, SchemaCache } from '../schema-cache/types.js'
import { ambiguousRelationship, noRelationship } from './errors.js'

const nameOf = (qn: string) => qn.slice(qn.indexOf('.') + 1)
const isDirect = (r: Relationship) => r.kind !== 'many-to-many'
const singleCol = (r: Relationship, col: string) => isDirect(r) && r.columns.length === 1 && r.columns[0] === col
const singleRefCol = (r: Relationship, col: string) => isDirect(r) && r.foreignColumns.length === 1 && r.foreignColumns[0] === col
const isConstraint = (r: Relationship, name: string) => isDirect(r) && r.constraintName === name
const isJunction = (r: Relationship, name: string) => r.kind === 'many-to-many' && r.junction !== undefined && nameOf(r.junction.table) === name

function matchesSelf(r: Relationship, target: string, hint: string | undefined): boolean {
  if (hint === undefined) {
    // children:family_tree(*) is the one-to-many; parent(*) (an fk column) the many-to-one.
    return (target === nameOf(r.foreignTable) && r.kind === 'one-to-many') || (singleCol(r, target) && r.kind === 'many-to-one')
  }
  return target === nameOf(r.foreignTable) && r.kind === 'one-to-many' && singleRefCol(r, hint)
}

function matches(cache: SchemaCache, r: Relationship, target: string, hint: string | undefined): boolean {
  if (r.table === r.foreignTable && isDirect(r)) return matchesSelf(r, target, hint)
  const foreignIsView = cache.tables.get(r.foreignTable)?.kind === 'view'
  if (hint === undefined) {
    return target === nameOf(r.foreignTable) || ((isConstraint(r, target) || singleCol(r, target)) && !foreignIsView)
  }
  return target === nameOf(r.foreignTable) && (isConstraint(r, hint) || singleCol(r, hint) || singleRefCol(r, hint) || isJunction(r, hint))
}

export function findRelationship(cache: SchemaCache, schema: string, origin: string, target: string, hint: string | undefined): Relationship {
  const candidates = cache.relationships.get(`${schema}.${origin}`) ?? []
  const found = candidates.filter((r) => matches(cache, r, target, hint))
  const [only] = found
  if (only !== undefined && found.length === 1) return only
  if (found.length === 0) throw noRelationship(cache, schema, origin, target, hint)
  throw ambiguousRelationship(origin, target, found)
}

export const isToOne = (r: Relationship) => r.kind === 'many-to-one' || r.kind === 'one-to-one'
