import { describe, expect, it } from 'vitest'
import type { RawFunction, RawFunctionArg } from './catalog-query.js'
import { attachComputedFields } from './computed-fields.js'
import type { Table } from './types.js'

const table = (schema: string, name: string): Table => ({
  schema, name, kind: 'table', insertable: true, updatable: true, deletable: true,
  columns: [], columnsByName: new Map(), primaryKey: [], uniqueKeys: [], description: null,
})

const arg = (relid: number, mode: RawFunctionArg['mode'] = 'i', name = ''): RawFunctionArg => ({ name, type: 'x', udt_name: 'x', mode, relid })

const fn = (name: string, args: RawFunctionArg[], more: Partial<RawFunction> = {}): RawFunction => ({
  oid: 1, schema: 'test', name, return_type: 'boolean', returns_set: false, volatility: 'i', description: null,
  return_kind: 'b', return_media_type: null, return_binary: false, return_rel_schema: null, return_rel_name: null, return_type_columns: null,
  nargs: args.length, ndefaults: 0, args, ...more,
})

describe('attachComputedFields', () => {
  it("takes functions of the table's schema whose first argument is its row, others defaulted", () => {
    const items = table('test', 'items')
    const items2 = table('test', 'items2')
    const other = table('test', 'other')
    attachComputedFields([
      fn('always_true', [arg(10)]),
      fn('computed_overload', [arg(10)]),
      fn('computed_overload', [arg(20)]),
      fn('with_default', [arg(10), arg(0, 'i', 'n')], { ndefaults: 1 }),
      fn('needs_two', [arg(10), arg(0, 'i', 'n')]),
      fn('rows', [arg(10)], { returns_set: true }),
      fn('elsewhere', [arg(10)], { schema: 'public' }),
      fn('second_arg', [arg(0, 'i', 'n'), arg(10)], { ndefaults: 1 }),
      fn('variadic_row', [arg(10, 'v')]),
      fn('no_args', []),
    ], new Map([[10, items], [20, items2], [30, other]]))
    expect([...items.computed!.keys()]).toEqual(['always_true', 'computed_overload', 'with_default'])
    expect(items.computed!.get('always_true')).toEqual({ schema: 'test', name: 'always_true', returnType: 'boolean' })
    expect([...items2.computed!.keys()]).toEqual(['computed_overload'])
    // no map at all for a table without any: the request path checks `undefined` only
    expect(other.computed).toBeUndefined()
  })
})
