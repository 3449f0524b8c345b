/**
 * The `postgres_changes` entries of a join, validated into specs: the event, the schema and
 * table (table omitted or `*`: every enabled table of the schema; schema `*`: of every schema),
 * and a PostgREST-like filter `column=op.value` (ops eq neq lt lte gt gte in). Pure: what Postgres
 * must say (the table exists, is enabled, the role may select it, the value fits the column's
 * type) is asked by the feed afterwards (realtime.check_spec).
 */
import { z } from 'zod'
import { RealtimeError, type ChangeSpecInput } from '../types.js'

export const FILTER_OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in'] as const
export type FilterOp = (typeof FILTER_OPS)[number]
export type ChangeEvent = '*' | 'INSERT' | 'UPDATE' | 'DELETE'

export interface Filter {
  column: string
  op: FilterOp
  /** One value; several for `in`. Text, coerced to the column's type by Postgres. */
  values: string[]
}

export interface ChangeSpec {
  event: ChangeEvent
  schema: string
  table: string | undefined
  filter: Filter | undefined
}

const NAME = z.string().min(1).max(63)
const SpecInput = z.object({
  event: z.string().max(16),
  schema: NAME,
  table: NAME.optional().nullable(),
  filter: z.string().max(4096).optional().nullable(),
})

/** At most this many entries in one join (each is checked in every batch). */
export const MAX_SPECS = 100

export function parseSpecs(inputs: ChangeSpecInput[]): ChangeSpec[] {
  if (!Array.isArray(inputs)) throw new RealtimeError('postgres_changes must be a list')
  if (inputs.length > MAX_SPECS) throw new RealtimeError(`at most ${MAX_SPECS} postgres_changes per channel`)
  return inputs.map(parseSpec)
}

export function parseSpec(input: ChangeSpecInput): ChangeSpec {
  const parsed = SpecInput.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new RealtimeError(`invalid postgres_changes entry: ${issue?.path.join('.') || 'entry'} ${issue?.message ?? ''}`.trim())
  }
  const { schema, filter } = parsed.data
  const event = parsed.data.event.toUpperCase()
  if (event !== '*' && event !== 'INSERT' && event !== 'UPDATE' && event !== 'DELETE') {
    throw new RealtimeError(`invalid event ${JSON.stringify(parsed.data.event)}: expected *, INSERT, UPDATE or DELETE`)
  }
  const table = parsed.data.table === '*' || !parsed.data.table ? undefined : parsed.data.table
  if (filter && !table) throw new RealtimeError('a filter needs a table')
  return { event, schema, table, filter: filter ? parseFilter(filter) : undefined }
}

const FILTER = /^([^=]+)=([a-z]+)\.(.*)$/s

export function parseFilter(text: string): Filter {
  const m = FILTER.exec(text)
  if (!m) throw new RealtimeError(`invalid filter ${JSON.stringify(text)}: expected column=op.value`)
  const [, column, op, raw] = m as unknown as [string, string, string, string]
  if (!(FILTER_OPS as readonly string[]).includes(op)) {
    throw new RealtimeError(`invalid filter operator ${JSON.stringify(op)}: expected one of ${FILTER_OPS.join(', ')}`)
  }
  if (op !== 'in') return { column, op: op as FilterOp, values: [raw] }
  const list = /^\((.*)\)$/s.exec(raw)
  if (!list) throw new RealtimeError(`invalid filter ${JSON.stringify(text)}: in expects in.(a,b,...)`)
  const values = splitList(list[1]!)
  if (values.length === 0) throw new RealtimeError(`invalid filter ${JSON.stringify(text)}: in needs at least one value`)
  if (values.length > 100) throw new RealtimeError('invalid filter: at most 100 values for in')
  return { column, op: 'in', values }
}

/** `a,"b,c",d` → a, b,c, d (PostgREST's quoting of list items). */
function splitList(body: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  let any = false
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (quoted) {
      if (ch === '\\' && i + 1 < body.length) cur += body[++i]
      else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') {
      quoted = true
      any = true
    } else if (ch === ',') {
      out.push(cur)
      cur = ''
      any = false
    } else {
      cur += ch
      any = true
    }
  }
  if (any || out.length > 0) out.push(cur)
  return out
}

/** Whether a spec's event takes a change of this type. */
export function takesEvent(spec: ChangeSpec, type: 'INSERT' | 'UPDATE' | 'DELETE'): boolean {
  return spec.event === '*' || spec.event === type
}
