/**
 * Computed fields: PostgREST selects, filters and orders by `fn` on a table when `fn(table_row)`
 * exists, through Postgres' attribute notation (`items.always_true` is `always_true(items)`).
 * Found here once, at load time, so a request pays nothing for tables without any.
 *
 * As in PostgREST, only functions of the table's own schema count (its search path is the
 * request's schema), the row is the first argument and any other has a default, and set-returning
 * functions are left out (those are PostgREST's computed relationships, not fields).
 */
import type { RawFunction } from './catalog-query.js'
import type { ComputedField, Table } from './types.js'

const INPUT_MODES = new Set(['i', 'b', 'v'])

function computedFieldOf(f: RawFunction, tablesByOid: Map<number, Table>): { table: Table; field: ComputedField } | undefined {
  if (f.returns_set) return undefined
  const inputs = (f.args ?? []).filter((a) => INPUT_MODES.has(a.mode))
  const [row] = inputs
  if (row === undefined || row.mode !== 'i' || row.relid === 0) return undefined
  // pronargdefaults counts the trailing inputs with defaults: all but the row must have one.
  if (inputs.length - 1 > f.ndefaults) return undefined
  const table = tablesByOid.get(row.relid)
  if (table === undefined || table.schema !== f.schema) return undefined
  return { table, field: { schema: f.schema, name: f.name, returnType: f.return_type } }
}

/** Sets `computed` on the tables that have computed fields; an overload per table is its own. */
export function attachComputedFields(functions: RawFunction[], tablesByOid: Map<number, Table>): void {
  for (const f of functions) {
    const found = computedFieldOf(f, tablesByOid)
    if (found === undefined) continue
    const { table, field } = found
    // Two functions of one name for one table (defaults aside) would be ambiguous to Postgres too;
    // the first (lowest oid, catalog order) is kept.
    table.computed ??= new Map()
    if (!table.computed.has(field.name)) table.computed.set(field.name, field)
  }
}
