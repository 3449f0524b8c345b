/** Past queries, newest first, in this browser's localStorage (never sent anywhere). */
import type { SqlRole } from './types'

const KEY = 'floe.dashboard.sql-history'
const MAX = 50

export interface HistoryEntry {
  query: string
  role: SqlRole
  at: number
  ok: boolean
}

export function loadHistory(): HistoryEntry[] {
  try {
    const raw = localStorage.getItem(KEY)
    const parsed: unknown = raw ? JSON.parse(raw) : []
    return Array.isArray(parsed) ? (parsed as HistoryEntry[]).filter((e) => typeof e?.query === 'string') : []
  } catch {
    return []
  }
}

/** Adds an entry (the same query again moves to the top) and returns the new list. */
export function pushHistory(entry: HistoryEntry): HistoryEntry[] {
  const next = [entry, ...loadHistory().filter((e) => e.query !== entry.query)].slice(0, MAX)
  saveHistory(next)
  return next
}

export function saveHistory(list: HistoryEntry[]): void {
  try {
    if (list.length === 0) localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, JSON.stringify(list))
  } catch {
    // A full or disabled storage only loses the history.
  }
}
