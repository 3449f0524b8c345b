/**
 * planCall: `/rpc/<fn>` → CallPlan, as PostgREST's callReadPlan. The overload is chosen by the
 * argument names given (required ones all present, optional ones allowed), falling back to a single
 * json/jsonb parameter that takes the whole POST body; none → PGRST202, several → PGRST203. The
 * result is read like a table (filters, order, limits, embeds) through the same read planner.
 */
import { ApiError } from '../../errors/index.js'
import { assertStrictPreferences } from '../parse/index.js'
import type { ApiRequest } from '../parse/types.js'
import type { Column, DbFunction, SchemaCache, Table } from '../schema-cache/types.js'
import { fuzzyBest } from './fuzzy.js'
import { planReadTree, type PlanContext } from './read-plan.js'
import { withComputed } from './resolve.js'
import type { CallParams, CallPlan, PlannedLogic, ReadPlanNode } from './types.js'

const isJsonType = (t: string) => t === 'json' || t === 'jsonb'

function matchesArgs(fn: DbFunction, keys: Set<string>, singleObject: boolean): boolean {
  if (singleObject) return fn.args.length === 1 && isJsonType(fn.args[0]?.type ?? '')
  const required = fn.args.filter((a) => !a.hasDefault).map((a) => a.name)
  const optional = new Set(fn.args.filter((a) => a.hasDefault).map((a) => a.name))
  const rest = [...keys].filter((k) => !optional.has(k))
  return rest.length === required.length && required.every((r) => keys.has(r))
}

const signature = (fn: DbFunction) => `${fn.schema}.${fn.name}(${fn.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`
const sortedNames = (xs: Iterable<string>) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

function noFunction(cache: SchemaCache, schema: string, name: string, keys: string[], jsonPost: boolean, singleObject: boolean, overloads: DbFunction[]): ApiError {
  const fq = `${schema}.${name}`
  const prms = keys.join(', ')
  const withPrms = keys.length === 0 ? ' without parameters' : ` with parameter${keys.length > 1 ? 's' : ''} ${prms}`
  const message = `Could not find the function ${fq}${singleObject ? '' : keys.length === 0 ? ' without parameters' : `(${prms})`} in the schema cache`
  const searched = singleObject ? ' with a single json/jsonb parameter' : jsonPost ? `${withPrms} or with a single unnamed json/jsonb parameter` : withPrms
  let hint: string | null = null
  if (!singleObject) {
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

/** PostgREST's hasSingleUnnamedParam for a JSON body: one json/jsonb parameter without a name. */
const takesWholeBody = (f: DbFunction) => f.args.length === 1 && f.args[0]?.name === '' && isJsonType(f.args[0].type)

/**
 * `jsonPost`: a POST with a JSON body, which a function of one unnamed json/jsonb parameter
 * takes whole when no overload's names match its keys. A named parameter is only ever matched by
 * name (PostgREST's findProc): `{"A": 1}` to `f(data json)` is PGRST202.
 */
export function findFunction(ctx: PlanContext, name: string, keys: Set<string>, jsonPost: boolean, singleObject: boolean): DbFunction {
  const overloads = ctx.cache.functions.get(`${ctx.schema}.${name}`) ?? []
  const matching = overloads.filter((f) => matchesArgs(f, keys, singleObject))
  const fallback = overloads.filter((f) => jsonPost && !matching.includes(f) && takesWholeBody(f))
  const [first] = matching.length > 0 ? matching : fallback
  const count = matching.length > 0 ? matching.length : fallback.length
  if (first !== undefined && count === 1) return first
  if (count > 1) throw ambiguous(matching.length > 0 ? matching : fallback)
  throw noFunction(ctx.cache, ctx.schema, name, sortedNames(keys), jsonPost, singleObject, overloads)
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
  const fn = findFunction(ctx, name, keys, isPost && form === undefined, singleObject)
  const table = resultTable(ctx, fn)
  const root = planReadTree(ctx, table, request, { fromSource: true, isMutation: false })
  assertStrictPreferences(request.preferences)
  const isScalar = fn.returnsScalar && fn.returnsTable === null && fn.returnColumns === null
  return {
    fn, params: callParams(fn, keys, singleObject),
    argsJson: !isPost ? argsFromPairs(fn, request.query.rpcArgs) : form ? argsFromPairs(fn, form) : (request.payload?.raw ?? '{}'),
    argsIsObject: !isPost || form !== undefined || (request.payload?.isObject ?? true),
    isScalar, returnsSingle: !fn.returnsSet, returnsVoid: fn.returnType === 'void',
    returning: isScalar ? [] : withComputed(returningOf(root), root),
    read: { root, media: request.media, headersOnly: request.headersOnly, ...(request.preferences.count !== undefined && { count: request.preferences.count }) },
  }
}
