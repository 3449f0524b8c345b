/**
 * The rows of a table through `/admin/v1/rest/<table>` (the data API's PostgREST grammar, run as
 * the service role for an admin). Hand-rolled on fetch rather than postgrest-js: the editor needs
 * the Content-Range header, Range paging and CSV, and Floe's error body read into the shared
 * ApiError (message, code, details, hint) that ErrorState shows. Credentials are lib/api.ts's:
 * the anon key as `apikey` and the admin's access token as the bearer.
 * Writes through it are recorded in the audit log under the admin's name.
 */
import { useMemo } from 'react'
import { ApiError } from '../../lib/api'
import { useAuth } from '../../lib/auth'
import type { Field, Operator, Row } from './model'

export interface Filter {
  id: number
  column: string
  op: Operator
  not: boolean
  value: string
}

export interface Sort {
  column: string
  desc: boolean
}

export interface TableRef {
  schema: string
  name: string
}

export interface Page {
  rows: Row[]
  /** Total rows matching (Content-Range with count=exact), null when the server did not say. */
  total: number | null
}

/** `"a,b"` → `"\"a,b\""`: a value inside in.(...) or or=(...) quoted when it holds reserved characters. */
export function quoteValue(v: string): string {
  return /[,.:()"\\\s]/.test(v) || v === '' ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : v
}

/** A filter's `op.value` as PostgREST reads it (values of `in` split on commas, each quoted as needed). */
export function filterExpr(f: Pick<Filter, 'op' | 'not' | 'value'>): string {
  let value = f.value
  if (f.op === 'in') {
    const items = value.trim().startsWith('(') ? value.trim().slice(1, -1) : value
    value = `(${items.split(',').map((s) => quoteValue(s.trim())).join(',')})`
  }
  if (f.op === 'is') value = value.trim().toLowerCase() || 'null'
  return `${f.not ? 'not.' : ''}${f.op}.${value}`
}

export function buildSearch(opts: { filters?: Filter[]; sort?: Sort[]; select?: string; extra?: [string, string][] }): string {
  const params = new URLSearchParams()
  params.set('select', opts.select ?? '*')
  for (const f of opts.filters ?? []) params.append(f.column, filterExpr(f))
  if (opts.sort?.length) params.set('order', opts.sort.map((s) => `${s.column}.${s.desc ? 'desc' : 'asc'}.nullslast`).join(','))
  for (const [k, v] of opts.extra ?? []) params.append(k, v)
  return params.toString()
}

/** `0-24/311` → 311; `*\/*` or a missing header → null. */
export function parseTotal(contentRange: string | null): number | null {
  const m = /\/(\d+)$/.exec(contentRange ?? '')
  return m ? Number(m[1]) : null
}

/** The filter naming one row by its primary key: `id=eq.5` (composite keys: one per column). */
export function keyFilters(row: Row, key: string[]): [string, string][] {
  return key.map((k) => [k, `eq.${String(row[k])}`])
}

/** Several rows by key: `id=in.(1,2)`, or `or=(and(a.eq.1,b.eq.2),...)` for a composite key. */
export function keysFilter(rows: Row[], key: string[]): [string, string][] {
  if (key.length === 1) return [[key[0]!, `in.(${rows.map((r) => quoteValue(String(r[key[0]!]))).join(',')})`]]
  return [['or', `(${rows.map((r) => `and(${key.map((k) => `${k}.eq.${quoteValue(String(r[k]))}`).join(',')})`).join(',')})`]]
}

export interface Rest {
  request(table: TableRef, init: { method?: string; search?: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal }): Promise<Response>
  select(table: TableRef, opts: { search: string; from?: number; to?: number; count?: boolean; signal?: AbortSignal }): Promise<Page>
  insert(table: TableRef, rows: Row | Row[], columns?: string[]): Promise<Row[]>
  update(table: TableRef, match: [string, string][], values: Row): Promise<Row[]>
  remove(table: TableRef, match: [string, string][]): Promise<Row[]>
}

const BASE = '/admin/v1/rest'

export function useRest(): Rest {
  const { config, client } = useAuth()
  return useMemo(() => {
    const request: Rest['request'] = async (table, init) => {
      const headers = new Headers(init.headers)
      if (config) headers.set('apikey', config.anon_key)
      const token = client ? (await client.auth.getSession()).data.session?.access_token : undefined
      if (token) headers.set('authorization', `Bearer ${token}`)
      const write = init.method !== undefined && init.method !== 'GET' && init.method !== 'HEAD'
      if (table.schema !== 'public') headers.set(write ? 'content-profile' : 'accept-profile', table.schema)
      let body: string | undefined
      if (init.body !== undefined) {
        headers.set('content-type', 'application/json')
        body = JSON.stringify(init.body)
      }
      const url = `${BASE}/${encodeURIComponent(table.name)}${init.search ? `?${init.search}` : ''}`
      const res = await fetch(url, { method: init.method ?? 'GET', headers, body, signal: init.signal })
      if (!res.ok) throw await ApiError.fromResponse(res)
      return res
    }
    const json = async (res: Response) => (res.status === 204 ? [] : ((await res.json()) as Row[]))
    const writeHeaders = { prefer: 'return=representation' }
    return {
      request,
      async select(table, { search, from, to, count, signal }) {
        const headers: Record<string, string> = {}
        if (from !== undefined && to !== undefined) headers.range = `${from}-${to}`
        if (count) headers.prefer = 'count=exact'
        const res = await request(table, { search, headers, signal })
        return { rows: await json(res), total: parseTotal(res.headers.get('content-range')) }
      },
      async insert(table, rows, columns) {
        const search = columns ? `columns=${columns.map(encodeURIComponent).join(',')}` : ''
        const prefer = columns ? 'return=representation,missing=default' : 'return=representation'
        return json(await request(table, { method: 'POST', search, headers: { prefer }, body: rows }))
      },
      async update(table, match, values) {
        return json(await request(table, { method: 'PATCH', search: new URLSearchParams(match).toString(), headers: writeHeaders, body: values }))
      },
      async remove(table, match) {
        return json(await request(table, { method: 'DELETE', search: new URLSearchParams(match).toString(), headers: writeHeaders }))
      },
    }
  }, [config, client])
}

/** Fields by name, for lookups in the grid and the editors. */
export const byName = (fields: Field[]) => new Map(fields.map((f) => [f.name, f]))
