/**
 * The shape-keyed read cache (src/rest/read-shape.ts) against no cache at all: every read of the
 * fuzz corpus, with the operands of its simple filters swapped for random values (valid, invalid,
 * empty, encoded), is answered by one long-lived handler that has seen other reads of the same
 * shape and by a fresh handler that compiles it from its own URL, operands in place. Status, headers and body (or the
 * error) must be identical, for anon (RLS) and service_role alike, with and without the headers
 * that change the statement (a count binds each filter twice).
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Identity } from '../../src/http/index.js'
import { toApiError } from '../../src/errors/index.js'
import { createRestHandler, type RestDeps, type RestHandler } from '../../src/rest/index.js'
import { FLOE_VERSION } from '../../src/version.js'
import { READ_CORPUS, RPC_GET_CORPUS } from './fuzz-arbitraries.js'
import { setupRest, type RestHarness } from './setup.js'

let h: RestHarness
let deps: RestDeps

beforeAll(async () => {
  h = await setupRest()
  const { testApp: app } = h
  const { config } = app
  deps = {
    schemaCache: app.schemaCache, withRequestRole: app.withRequestRole, runStatement: app.runStatement,
    publicUrl: config.publicUrl, version: FLOE_VERSION,
    limits: { maxRows: config.rest.maxRows, maxEmbedDepth: config.rest.maxEmbedDepth, maxFilters: config.rest.maxFilters },
  }
})
afterAll(async () => h?.close())

const IDENTITIES: Identity[] = [
  { role: 'anon', claims: { role: 'anon' }, via: 'anon-key' },
  { role: 'service_role', claims: { role: 'service_role' }, via: 'service-key' },
]
/** Mostly values that select rows (so a wrong slot changes the answer), some that fail. */
const NUMBERS = ['1', '2', '3', '4', '5', '6', '7', '8', '1979', '1990', '2000', '2010', '7.5', '8.1']
const ODD_OPERANDS = [
  '1', '2', '3', '0', '-1', '1979', '2000', '8.5', '7.9', 'abc', '', 'Alien', 'Blade%20Runner', 'drama',
  'scifi', 'true', 'false', 'null', 'NULL', '%2C', 'a,b', '(1,2)', '%22q%22', "it's", 'x*y', '%25', '%C3%A9', '+',
  '1e3', '2147483648', '{1,2}', '[1,3)', '11111111-1111-4111-8111-111111111111',
]
const SIMPLE = /(^|&)([^=&]+)=((?:not\.)?(?:eq|neq|gt|gte|lt|lte)\.)([^&]*)/g

/** The query with each simple filter's operand replaced, in order, by one of `values`. */
function withOperands(query: string, values: string[]): string {
  let i = 0
  return query.replace(SIMPLE, (_m, sep: string, key: string, op: string) => `${sep}${key}=${op}${values[i++ % values.length] ?? ''}`)
}

const READS = [
  ...Object.entries(READ_CORPUS).flatMap(([name, queries]) => queries.map((q) => ({ kind: 'table' as const, name, query: q }))),
  ...Object.entries(RPC_GET_CORPUS).flatMap(([name, queries]) => queries.map((q) => ({ kind: 'rpc' as const, name, query: q }))),
].filter((r) => r.query.match(SIMPLE))
// Filters the corpus lacks: several simple filters at once, negated, on an embed, beside a like.
READS.push(
  { kind: 'table', name: 'films', query: 'select=id,title&year=gte.1980&year=lt.2001&id=not.eq.3&order=id' },
  { kind: 'table', name: 'films', query: 'select=id,directors!inner(name)&directors.born=gt.1940&title=like.*e*&rating=neq.7.9' },
  { kind: 'table', name: 'notes', query: 'select=id&owner_id=eq.11111111-1111-4111-8111-111111111111' },
  { kind: 'table', name: 'films', query: 'select=id&id=eq.1;year=eq.1979' },
  { kind: 'table', name: 'films', query: 'select=id&id=gte.2&id=lte.6&order=id' },
  { kind: 'table', name: 'films', query: 'select=id,title&year=gt.1980&rating=lt.8.2&budget=not.lt.20&order=id.desc' },
  { kind: 'table', name: 'films', query: 'select=title,roles(character)&roles.actor_id=neq.2&id=lte.4&limit=3' },
)

const operandArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NUMBERS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_OPERANDS) })

/** Headers that change the statement: a count (filters bound twice), a range, one object, CSV. */
const HEADERS: Record<string, string>[] = [
  {}, {}, { prefer: 'count=exact' }, { range: '0-1' }, { accept: 'application/vnd.pgrst.object+json' }, { accept: 'text/csv' },
  { prefer: 'count=planned' },
]

async function outcome(rest: RestHandler, identity: Identity, read: (typeof READS)[number], query: string, headers: Record<string, string>) {
  try {
    const r = await rest.handle({
      method: 'GET', kind: read.kind, name: read.name, pathname: `/rest/v1/${read.name}`, search: `?${query}`,
      headers: new Headers(headers), readBody: () => Promise.reject(new Error('a read has no body')),
      readBytes: () => Promise.reject(new Error('a read has no body')), identity,
    })
    return { status: r.status, headers: r.headers, body: r.body }
  } catch (err) {
    const e = toApiError(err, identity.role)
    return { status: e.status, error: { code: e.code, message: e.message, details: e.details, hint: e.hint } }
  }
}

describe('shape-keyed read cache', () => {
  it(`answers ${READS.length} read shapes with random operands and headers exactly as an uncached compile`, async () => {
    expect(READS.length).toBeGreaterThan(20)
    const warm = createRestHandler(deps)
    let compared = 0
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...READS), fc.constantFrom(...IDENTITIES), fc.array(operandArb, { minLength: 1, maxLength: 4 }), fc.constantFrom(...HEADERS), async (read, identity, values, headers) => {
        const query = withOperands(read.query, values)
        const cold = await outcome(createRestHandler({ ...deps, liftOperands: false }), identity, read, query, headers)
        expect(await outcome(warm, identity, read, query, headers), `${read.name}?${query} as ${identity.role} with ${JSON.stringify(headers)}`).toEqual(cold)
        compared++
      }),
      { numRuns: 800 },
    )
    expect(compared).toBe(800)
  })
})
