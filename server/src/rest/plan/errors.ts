/**
 * The planner's errors, with PostgREST's codes, statuses and wording (Error.hs), so clients that
 * branch on `code` or show `hint` behave the same against Floe.
 */
import { ApiError, type ErrorDetails, type PostgrestCode } from '../../errors/index.js'
import type { Relationship, SchemaCache, Table } from '../schema-cache/types.js'
import { fuzzyBest, fuzzyMatches, levenshtein } from './fuzzy.js'

const pgrst = (code: PostgrestCode, message: string, details: ErrorDetails = null, hint: string | null = null) =>
  new ApiError(code, { message, details, hint })

const unqualified = (qn: string) => qn.slice(qn.indexOf('.') + 1)

export function tableNotFound(cache: SchemaCache, schema: string, name: string): ApiError {
  const names = [...cache.tables.values()].filter((t) => t.schema === schema).map((t) => t.name)
  const best = fuzzyBest(names, name)
  return pgrst('PGRST205', `Could not find the table '${schema}.${name}' in the schema cache`, null,
    best === undefined ? null : `Perhaps you meant the table '${schema}.${best}'`)
}

/** PGRST204: a written column (payload key, `columns=`, `on_conflict=`) the table does not have. */
export const columnNotFound = (table: Table, column: string) =>
  pgrst('PGRST204', `Could not find the '${column}' column of '${table.name}' in the schema cache`)

/**
 * What Postgres answers (42703) for an unknown column in select/filter/order, which is what
 * PostgREST passes through. We answer it without the round trip since we never send unknown names;
 * the hint follows Postgres' own fuzzy rule (distance ≤ 3 and at most half the name).
 */
export function undefinedColumn(relation: string, candidates: readonly string[], column: string): ApiError {
  let best: { name: string; d: number } | undefined
  let tie = false
  for (const name of candidates) {
    const d = levenshtein(column, name)
    if (d > 3 || d > Math.floor(name.length / 2)) continue
    if (best === undefined || d < best.d) [best, tie] = [{ name, d }, false]
    else if (d === best.d) tie = true
  }
  const hint = best === undefined || tie ? null : `Perhaps you meant to reference the column "${relation}.${best.name}".`
  return new ApiError({ passThrough: '42703', status: 400 }, { message: `column ${relation}.${column} does not exist`, details: null, hint })
}

export function noRelationship(cache: SchemaCache, schema: string, parent: string, child: string, hint: string | undefined): ApiError {
  const details = `Searched for a foreign key relationship between '${parent}' and '${child}'${hint === undefined ? '' : ` using the hint '${hint}'`} in the schema '${schema}', but no matches were found.`
  const parentRels = cache.relationships.get(`${schema}.${parent}`)
  let suggestion: string | undefined
  if (parentRels !== undefined) {
    const children = [...new Set(parentRels.map((r) => unqualified(r.foreignTable)))]
    const match = fuzzyMatches(children, child).find((m) => m.score < 1)?.value
    suggestion = match === undefined ? undefined : `Perhaps you meant '${match}' instead of '${child}'.`
  } else {
    const parents = [...cache.relationships.keys()].filter((k) => k.startsWith(`${schema}.`)).map(unqualified)
    const match = fuzzyBest(parents, parent)
    suggestion = match === undefined ? undefined : `Perhaps you meant '${match}' instead of '${parent}'.`
  }
  return pgrst('PGRST200', `Could not find a relationship between '${parent}' and '${child}' in the schema cache`, details, suggestion ?? null)
}

const fmtCols = (cols: string[]) => `(${cols.join(', ')})`

function describeRelationship(r: Relationship): Record<string, string> {
  const embedding = `${unqualified(r.table)} with ${unqualified(r.foreignTable)}`
  if (r.kind === 'many-to-many' && r.junction !== undefined) {
    const j = r.junction
    return { cardinality: r.kind, embedding, relationship: `${unqualified(j.table)} using ${j.sourceConstraint}${fmtCols(j.sourceColumns)} and ${j.targetConstraint}${fmtCols(j.targetColumns)}` }
  }
  return {
    cardinality: r.kind, embedding,
    relationship: `${r.constraintName} using ${unqualified(r.table)}${fmtCols(r.columns)} and ${unqualified(r.foreignTable)}${fmtCols(r.foreignColumns)}`,
  }
}

/** PGRST201 (status 300). PostgREST's details is a JSON array of the candidates. */
export function ambiguousRelationship(parent: string, child: string, rels: Relationship[]): ApiError {
  const hints = rels.map((r) => `'${unqualified(r.foreignTable)}!${r.kind === 'many-to-many' && r.junction ? unqualified(r.junction.table) : r.constraintName}'`)
  return pgrst('PGRST201', `Could not embed because more than one relationship was found for '${parent}' and '${child}'`,
    rels.map(describeRelationship),
    `Try changing '${child}' to one of the following: ${hints.join(', ')}. Find the desired relationship in the 'details' key.`)
}

export const notEmbedded = (resource: string) =>
  pgrst('PGRST108', `'${resource}' is not an embedded resource in this request`, null, `Verify that '${resource}' is included in the 'select' query parameter.`)

export const relatedOrderNotToOne = (origin: string, target: string) =>
  pgrst('PGRST118', `A related order on '${target}' is not possible`, `'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`)

export const spreadNotToOne = (origin: string, target: string) =>
  pgrst('PGRST119', `A spread operation on '${target}' is not possible`, `'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`)

export const aggregatesNotAllowed = () => pgrst('PGRST123', 'Use of aggregate functions is not allowed')

/** Floe's own complexity limits; PostgREST has none, so they reuse the query-parameter code. */
export const tooComplex = (details: string) => pgrst('PGRST100', 'The query is too complex', details, 'Simplify the select or the filters of the request.')

export const invalidCast = (cast: string) =>
  pgrst('PGRST100', `"failed to parse select parameter" (cast ${cast})`, `unknown type '${cast}' in a cast`)
