/**
 * What one subscriber receives of one change, decided from the batched check's verdicts (pure):
 *
 * - INSERT: the new row, when the rules let the subscriber see it and a spec's filter takes it;
 * - UPDATE: the new row (and the old one if it was visible too, else `{}`) when the new row is
 *   visible and matches; when only the OLD row was visible (the row moved out of sight), the old
 *   row's primary key alone;
 * - DELETE: the old row's primary key alone, to those who could see the old row.
 *
 * Only the columns the subscriber's role may select are kept (column grants), in `columns`,
 * `record` and `old_record` alike.
 */
import type { PostgresChangesPayload } from '../types.js'
import { takesEvent, type ChangeSpec } from './specs.js'

export type ChangeType = 'INSERT' | 'UPDATE' | 'DELETE'
type Row = Record<string, unknown>

export interface ChangeRow {
  position: string
  tableOid: number
  type: ChangeType
  newRow: Row | null
  oldRow: Row | null
  capturedAt: Date
}

/** What a role may see of a table: its names, primary key and selectable columns. */
export interface TableView {
  schema: string
  table: string
  pk: string[]
  columns: { name: string; type: string }[]
}

/** One group's verdict on one change (the check's `seen` row). */
export interface Verdict {
  newOk: boolean
  oldOk: boolean
  /** Units (by batch index) whose filter takes the new row, the new row being visible. */
  newUnits: number[]
  oldUnits: number[]
}

export const OPS: Record<string, ChangeType> = { I: 'INSERT', U: 'UPDATE', D: 'DELETE' }

/** A subscriber's specs as checked in one batch: its spec ids, and each spec's unit (-1: not this table). */
export interface SpecUnits {
  specs: ChangeSpec[]
  ids: number[]
  units: number[]
}

/** The payload for one subscriber, or undefined when it receives nothing of this change. */
export function payloadFor(change: ChangeRow, view: TableView, verdict: Verdict, sub: SpecUnits): PostgresChangesPayload | undefined {
  const type = change.type
  const matching = (list: number[]) =>
    sub.specs.flatMap((s, i) => {
      const unit = sub.units[i]!
      return unit >= 0 && takesEvent(s, type) && list.includes(unit) ? [sub.ids[i]!] : []
    })
  const base = {
    schema: view.schema,
    table: view.table,
    commit_timestamp: change.capturedAt.toISOString(),
    type,
    columns: view.columns,
    errors: null,
    position: change.position,
  }
  if (type === 'INSERT' || type === 'UPDATE') {
    const ids = verdict.newOk ? matching(verdict.newUnits) : []
    if (ids.length > 0) {
      const record = pick(change.newRow, view.columns.map((c) => c.name))
      if (type === 'INSERT') return { ids, data: { ...base, record } }
      const old = verdict.oldOk ? pick(change.oldRow, view.columns.map((c) => c.name)) : {}
      return { ids, data: { ...base, record, old_record: old } }
    }
    // Still visible but no longer matching a filter: Supabase sends nothing either.
    if (type === 'INSERT' || verdict.newOk) return undefined
  }
  // A DELETE, or an UPDATE taking the row out of sight: the key of a row it could see.
  const ids = verdict.oldOk ? matching(verdict.oldUnits) : []
  if (ids.length === 0) return undefined
  const allowed = new Set(view.columns.map((c) => c.name))
  return { ids, data: { ...base, old_record: pick(change.oldRow, view.pk.filter((k) => allowed.has(k))) } }
}

function pick(row: Row | null, names: string[]): Row {
  const out: Row = {}
  if (!row) return out
  for (const n of names) if (n in row) out[n] = row[n]
  return out
}
