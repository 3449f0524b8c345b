/**
 * planCall: `/rpc/<fn>` → CallPlan, as PostgREST's callReadPlan. The overload is chosen by the
 * argument names given (required ones all present, optional ones allowed), falling back to a single
 * json/jsonb parameter that takes the whole POST body; none → PGRST202, several → PGRST203. The
 * result is read like a table (filters, order, limits, embeds) through the same read planner.
 */
import { ApiError } from '../../errors/index.js'
import { assertStrictPreferences, notAcceptable, pickMediaType } from '../parse/index.js'
import type { ApiRequest, MediaType, RawArgType } from '../parse/types.js'
import type { Column, DbFunction, SchemaCache, Table } from '../schema-cache/types.js'
import { fuzzyBest } from './fuzzy.js'
import { planReadTree, type PlanContext } from './read-plan.js'
import { withComputed } from './resolve.js'
import type { CallParams, CallPlan, PlannedLogic, ReadPlanNode } from './types.js'

const isJsonType = (t: string) => t === 'json' || t === 'jsonb'

/**
 * How the function is looked for: by argument names; `singleObject` (Prefer: params=single-object)
 * a single json/jsonb parameter; `jsonPost` a POST with a JSON body, which a function of one
 * unnamed json/jsonb parameter takes whole when no overload's names match its keys; `raw` a POST
 * with a text/plain, text/xml or octet-stream body, only for a function of one unnamed parameter
 * of that type (PostgREST's hasSingleUnnamedParam).
 */
export interface CallLookup {
  keys: Set<string>
  jsonPost: boolean
  singleObject: boolean
  raw?: RawArgType | undefined
}

function matchesArgs(fn: DbFunction, { keys, singleObject, raw }: CallLookup): boolean {
  if (singleObject) return fn.args.length === 1 && isJsonType(fn.args[0]?.type ?? '')
  // PostgREST: a function without parameters does not take a raw body.
  if (fn.args.length === 0 && raw !== undefined) return false
  const required = fn.args.filter((a) => !a.hasDefault).map((a) => a.name)
  const optional = new Set(fn.args.filter((a) => a.hasDefault).map((a) => a.name))
  const rest = [...keys].filter((k) => !optional.has(k))
  return rest.length === required.length && required.every((r) => keys.has(r))
}

const signature = (fn: DbFunction) => `${fn.schema}.${fn.name}(${fn.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`
const sortedNames = (xs: Iterable<string>) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

function noFunction(cache: SchemaCache, schema: string, name: string, lookup: CallLookup, overloads: DbFunction[]): ApiError {
  const { jsonPost, singleObject, raw } = lookup
  const keys = sortedNames(lookup.keys)
  const fq = `${schema}.${name}`
  const prms = keys.join(', ')
  const onlySingle = singleObject || raw !== undefined
  const withPrms = keys.length === 0 ? ' without parameters' : ` with parameter${keys.length > 1 ? 's' : ''} ${prms}`
  const message = `Could not find the function ${fq}${onlySingle ? '' : keys.length === 0 ? ' without parameters' : `(${prms})`} in the schema cache`
  const searched = singleObject
    ? ' with a single json/jsonb parameter'
    : raw !== undefined
      ? ` with a single unnamed ${raw} parameter`
      : jsonPost ? `${withPrms} or with a single unnamed json/jsonb parameter` : withPrms
  let hint: string | null = null
  if (!onlySingle) {
    const best = overloads.length === 0
      ? fuzzyBest([...cache.functions.keys()].filter((k) => k.startsWith(`${schema}.`)).map((k) => k.slice(schema.length + 1)), name)
      : (() => {
          const lists = overloads.map((o) => `(${sortedNames(o.args.map((a) => a.name)).join(', ')})`)
          const m = fuzzyBest(lists, `(${sortedNames(keys).join(', ')})`)
          return m === undefined ? undefined : `${name}${m}`
        })()
    hint = best === undefined ? null : `Perhaps you meant to call the function ${schema}.${best}`
  }
  return new ApiError('PGRST202', { message, details: `Searched for the function ${fq}${searched}, but no matches were found in the schema cache.`, hint })
}

function ambiguous(fns: DbFunction[]): ApiError {
  return new ApiError('PGRST203', {
    message: `Could not choose the best candidate function between: ${fns.map(signature).join(', ')}`,
    details: null,
    hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
  })
}

/**
 * PostgREST's hasSingleUnnamedParam: one parameter without a name, json/jsonb for a JSON body,
 * text, xml or bytea for a raw one of that kind.
 */
function takesWholeBody(f: DbFunction, { jsonPost, raw }: CallLookup): boolean {
  const [only] = f.args
  if (f.args.length !== 1 || only?.name !== '') return false
  return raw !== undefined ? only.type === raw : jsonPost && isJsonType(only.type)
}

/** A named parameter is only ever matched by name (PostgREST's findProc): `{"A": 1}` to `f(data json)` is PGRST202. */
export function findFunction(ctx: PlanContext, name: string, lookup: CallLookup): DbFunction {
  const overloads = ctx.cache.functions.get(`${ctx.schema}.${name}`) ?? []
  const matching = overloads.filter((f) => matchesArgs(f, lookup))
  const fallback = overloads.filter((f) => !matching.includes(f) && takesWholeBody(f, lookup))
  const [first] = matching.length > 0 ? matching : fallback
  const count = matching.length > 0 ? matching.length : fallback.length
  if (first !== undefined && count === 1) return first
  if (count > 1) throw ambiguous(matching.length > 0 ? matching : fallback)
  throw noFunction(ctx.cache, ctx.schema, name, lookup, overloads)
}

/** RETURNS TABLE / OUT parameters without a table of their own: a table-like shape to read from. */
function resultTable(ctx: PlanContext, fn: DbFunction): Table {
  const named = fn.returnsTable === null ? undefined : ctx.cache.tables.get(fn.returnsTable)
  if (named !== undefined) return named
  const defs = fn.returnColumns ?? [{ name: 'pgrst_scalar', type: fn.returnType }]
  const columns: Column[] = defs.map((c, i) => ({
    name: c.name, type: c.type, udtName: c.type, typeKind: 'b', isArray: c.type.endsWith('[]'), nullable: true, default: null,
    isGenerated: false, isIdentity: false, maxLength: null, enumValues: null, description: null, position: i + 1,
  }))
  return {
    schema: fn.schema, name: fn.name, kind: 'view', insertable: false, updatable: false, deletable: false, columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])), primaryKey: [], uniqueKeys: [], description: null,
  }
}

/**
 * The media type of the answer (PostgREST's negotiateContent for a routine): the function's own,
 * when its return domain names one and the select is the default, else Floe's built-in ones.
 */
function callMedia(fn: DbFunction, request: ApiRequest, root: ReadPlanNode): MediaType {
  const defaultSelect = root.children.length === 0 && root.select.length <= 1 && (root.select[0]?.field.name ?? '*') === '*'
  const media = pickMediaType(request.accept, defaultSelect ? (fn.returnMedia ?? undefined) : undefined)
  if (media === undefined) throw notAcceptable(request.accept)
  return media
}

function callParams(fn: DbFunction, keys: Set<string>, singleObject: boolean): CallParams {
  const [only] = fn.args
  if (only !== undefined && fn.args.length === 1 && (singleObject || only.name === '')) {
    return { kind: 'single', arg: only }
  }
  return { kind: 'named', args: fn.args.filter((a) => keys.has(a.name)) }
}

/**
 * Query-string or form arguments as the JSON object the call reads, as PostgREST's toRpcParams:
 * a variadic argument's values, repeated or not, become an array in order; any other argument
 * repeated keeps its last value.
 */
function argsFromPairs(fn: DbFunction, args: [string, string][]): string {
  const variadic = new Set(fn.args.filter((a) => a.mode === 'variadic').map((a) => a.name))
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of args) {
    if (!variadic.has(k)) out[k] = v
    else out[k] = [...((out[k] as string[] | undefined) ?? []), v]
  }
  return JSON.stringify(out)
}

function logicColumns(t: PlannedLogic): string[] {
  if (t.type === 'expr') return t.children.flatMap(logicColumns)
  return t.filter.kind === 'op' ? [t.filter.field.name] : []
}

/**
 * PostgREST's inferColsEmbedNeeds (selected and fk columns), plus the columns the read filters and
 * orders on, which the result rows must carry for `/rpc/fn?select=id&year=gt.1` to work.
 */
function returningOf(root: ReadPlanNode): string[] {
  const selected = root.select.map((s) => s.field.name)
  if (selected.includes('*') || (root.select.length === 0 && root.children.length === 0)) return ['*']
  const filtered = root.where.flatMap(logicColumns)
  const ordered = root.order.flatMap((o) => (o.kind === 'column' ? [o.field.name] : []))
  return sortedNames(new Set([...selected, ...root.children.flatMap((c) => c.relationship.columns), ...filtered, ...ordered]))
}

export function planCall(ctx: PlanContext, name: string, request: ApiRequest): CallPlan {
  const isPost = request.invokeMethod === 'post'
  const keys = new Set(isPost ? request.columns : request.query.rpcArgs.map(([k]) => k))
  const singleObject = request.preferences.params === 'single-object'
  const form = request.payload?.form
  const rawArg = isPost ? request.payload?.rawArg : undefined
  const fn = findFunction(ctx, name, { keys, jsonPost: isPost && (request.payload === undefined || request.payload.isJson === true), singleObject, raw: rawArg?.type })
  const table = resultTable(ctx, fn)
  const root = planReadTree(ctx, table, request, { fromSource: true, isMutation: false })
  assertStrictPreferences(request.preferences)
  const isScalar = fn.returnsScalar && fn.returnsTable === null && fn.returnColumns === null
  return {
    fn, params: callParams(fn, keys, singleObject),
    argsJson: !isPost ? argsFromPairs(fn, request.query.rpcArgs) : form ? argsFromPairs(fn, form) : (request.payload?.raw ?? '{}'),
    argsIsObject: !isPost || form !== undefined || (request.payload?.isObject ?? true),
    ...(rawArg !== undefined && { rawArg: rawArg.value }),
    isScalar, returnsSingle: !fn.returnsSet, returnsVoid: fn.returnType === 'void',
    returning: isScalar ? [] : withComputed(returningOf(root), root),
    read: { root, media: callMedia(fn, request, root), headersOnly: request.headersOnly, ...(request.preferences.count !== undefined && { count: request.preferences.count }) },
  }
}
