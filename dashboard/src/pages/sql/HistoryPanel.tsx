/** Past queries of this browser: click one to put it back in the editor. */
import { Button } from '../../components'
import { formatRelative } from '../../lib/format'
import type { HistoryEntry } from './history'

export function HistoryPanel({ entries, onPick, onClear }: { entries: HistoryEntry[]; onPick(e: HistoryEntry): void; onClear(): void }) {
  return (
    <aside className="sql-history card" aria-label="Query history">
      <div className="sql-history-head">
        <h2>History</h2>
        {entries.length > 0 && (
          <Button size="sm" variant="ghost" onClick={onClear}>
            Clear
          </Button>
        )}
      </div>
      {entries.length === 0 ? (
        <p className="muted">Queries you run appear here (kept in this browser only).</p>
      ) : (
        <ul>
          {entries.map((e) => (
            <li key={`${e.at}-${e.query}`}>
              <button type="button" className="sql-history-item" onClick={() => onPick(e)} title="Put this query back in the editor">
                <code>{e.query.length > 160 ? `${e.query.slice(0, 160)}…` : e.query}</code>
                <span className="muted">
                  {e.ok ? '' : '✕ '}
                  {e.role} · {formatRelative(e.at)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  )
}
