/**
 * Functions as `Functions` entries (`Args`, `Returns`, `SetofOptions`) and, for functions of a
 * row type, as computed fields of that table or view. Only what PostgREST can call is listed: all
 * input arguments named, or one unnamed argument taking a request body (json, jsonb, text, bytea,
 * xml) or a row (a computed field or relationship). A set-returning function returns an array of
 * its rows (of the table it returns, of its OUT/TABLE columns, or of its scalar type).
 */
import type { RawFunction, RawTypegenCatalog } from './catalog-query.js'
import { cmp, type Member } from './relations.js'
import { tsTypeOf, type TypeContext } from './pg-types.js'

export interface Signature {
  /** null: no arguments (`Args: never`, as postgres-meta prints it). */
  args: Member[] | null
  returns: string
  setof?: { from: string; to: string; isOneToOne: boolean; isSetofReturn: boolean }
}

export interface FunctionShape {
  name: string
  signatures: Signature[]
}

const BODY_TYPES = new Set(['json', 'jsonb', 'text', 'bytea', 'xml'])
const IN_MODES = new Set(['i', 'b', 'v'])
const OUT_MODES = new Set(['o', 'b', 't'])

interface Prepared {
  fn: RawFunction
  inputs: { name: string; type: number; hasDefault: boolean }[]
  /** The relation whose row the first argument takes, when it does. */
  rowArg: number | undefined
}

function prepare(fn: RawFunction, ctx: TypeContext): Prepared | undefined {
  const all = fn.args ?? []
  const ins = all.filter((a) => IN_MODES.has(a.mode))
  const firstDefault = fn.nargs - fn.ndefaults
  const inputs = ins.map((a, i) => ({ name: a.name, type: a.type, hasDefault: i >= firstDefault }))
  const first = inputs[0] ? ctx.types.get(inputs[0].type) : undefined
  const rowArg = first?.relid !== null && first?.relid !== undefined && ctx.relationSection.has(first.relid) ? first.relid : undefined
  const unnamed = inputs.filter((a) => a.name === '')
  const callable =
    unnamed.length === 0 ||
    (inputs.length === 1 && unnamed.length === 1 && (BODY_TYPES.has(first?.name ?? '') || rowArg !== undefined))
  return callable ? { fn, inputs, rowArg } : undefined
}

function returnsOf(p: Prepared, ctx: TypeContext): Pick<Signature, 'returns' | 'setof'> {
  const { fn } = p
  const many = fn.returns_set ? '[]' : ''
  const outs = (fn.args ?? []).filter((a) => OUT_MODES.has(a.mode))
  if (outs.length === 1 && outs[0]!.mode !== 't') return { returns: tsTypeOf(outs[0]!.type, ctx) + many }
  if (outs.length > 0) {
    const fields = outs.map((a) => `${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(a.name) ? a.name : JSON.stringify(a.name)}: ${tsTypeOf(a.type, ctx)}`).join('; ')
    return { returns: `{ ${fields} }${many}` }
  }
  const ret = ctx.types.get(fn.return_type)
  const rel = ret?.relid !== null && ret?.relid !== undefined ? ctx.relationSection.get(ret.relid) : undefined
  if (!rel) {
    const scalar = tsTypeOf(fn.return_type, ctx)
    return { returns: many && scalar.includes(' | ') ? `(${scalar})[]` : scalar + many }
  }
  // postgres-meta's rule, which postgrest-js expects: a set with a row estimate of one or less
  // (ROWS 1) is typed as one row; SetofOptions lets rpc().select() sub-select the relation.
  const isOneToOne = !(fn.rows > 1)
  const from = p.rowArg !== undefined && p.inputs.length === 1 ? ctx.relationSection.get(p.rowArg)!.name : '*'
  return {
    returns: `${`Database[${JSON.stringify(rel.schema)}][${JSON.stringify(rel.section)}][${JSON.stringify(rel.name)}]["Row"]`}${fn.returns_set && !isOneToOne ? '[]' : ''}`,
    setof: { from, to: rel.name, isOneToOne: from !== '*' && !fn.returns_set ? true : isOneToOne, isSetofReturn: fn.returns_set },
  }
}

export interface FunctionsResult {
  bySchema: Map<string, FunctionShape[]>
  /** relid → computed fields (functions of that relation's row returning one scalar). */
  computed: Map<number, { name: string; type: string }[]>
}

export function buildFunctions(catalog: RawTypegenCatalog, ctx: TypeContext): FunctionsResult {
  const bySchema = new Map<string, Map<string, Signature[]>>()
  const computed = new Map<number, { name: string; type: string }[]>()
  for (const fn of catalog.functions) {
    const p = prepare(fn, ctx)
    if (!p) continue
    const sig: Signature = {
      args: p.inputs.length === 0 ? null : p.inputs.map((a) => ({ name: a.name, type: tsTypeOf(a.type, ctx), optional: a.hasDefault })),
      ...returnsOf(p, ctx),
    }
    const byName = bySchema.get(fn.schema) ?? new Map<string, Signature[]>()
    byName.set(fn.name, [...(byName.get(fn.name) ?? []), sig])
    bySchema.set(fn.schema, byName)
    const rel = p.rowArg !== undefined ? ctx.relationSection.get(p.rowArg) : undefined
    if (rel && rel.schema === fn.schema && p.inputs.every((a, i) => i === 0 || a.hasDefault) && !fn.returns_set && !sig.setof) {
      computed.set(p.rowArg!, [...(computed.get(p.rowArg!) ?? []), { name: fn.name, type: sig.returns }])
    }
  }
  const out = new Map<string, FunctionShape[]>()
  for (const [schema, byName] of bySchema) {
    const list = [...byName].map(([name, signatures]) => ({
      name,
      signatures: signatures.sort((a, b) => cmp(JSON.stringify(a.args), JSON.stringify(b.args)) || cmp(a.returns, b.returns)),
    }))
    out.set(schema, list.sort((a, b) => cmp(a.name, b.name)))
  }
  return { bySchema: out, computed }
}
