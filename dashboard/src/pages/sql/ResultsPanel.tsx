/** The outcome of the last run: one tab per statement, the notices, or the error at its place. */
import { useState } from 'react'
import { ErrorState } from '../../components'
import { ApiError } from '../../lib/api'
import { plural } from '../../lib/format'
import { ResultGrid } from './ResultGrid'
import type { RunSqlResponse, SqlErrorPosition } from './types'

export type RunOutcome =
  | { kind: 'ok'; response: RunSqlResponse; role: string }
  | { kind: 'error'; error: unknown; at?: SqlErrorPosition }

function label(r: RunSqlResponse['results'][number], i: number) {
  const n = r.columns.length > 0 ? r.rows.length : r.row_count
  return `${i + 1} · ${r.command}${n !== null ? ` (${n})` : ''}`
}

export function ResultsPanel({ outcome }: { outcome: RunOutcome }) {
  const [tab, setTab] = useState(0)
  if (outcome.kind === 'error') return <SqlErrorView error={outcome.error} at={outcome.at} />
  const { results, notices, duration_ms } = outcome.response
  const current = Math.min(tab, Math.max(results.length - 1, 0))
  const shown = results[current]
  return (
    <div className="sql-results" data-testid="sql-results">
      <div className="sql-results-meta muted">
        {plural(results.length, 'statement')} as <strong>{outcome.role}</strong> in {Math.round(duration_ms)} ms
        {shown && shown.row_count !== null && <> · {plural(shown.row_count, 'row')}</>}
      </div>
      {results.length > 1 && (
        <div className="sql-tabs" role="tablist" aria-label="Results">
          {results.map((r, i) => (
            <button key={i} type="button" role="tab" aria-selected={i === current} className={`sql-tab${i === current ? ' active' : ''}`} onClick={() => setTab(i)}>
              {label(r, i)}
            </button>
          ))}
        </div>
      )}
      {shown ? (
        <div role={results.length > 1 ? 'tabpanel' : undefined}>
          <ResultGrid result={shown} />
        </div>
      ) : (
        <p className="muted">The script had no statements.</p>
      )}
      {notices.length > 0 && (
        <div className="sql-notices" aria-label="Notices">
          <h3>Notices</h3>
          <ul>
            {notices.map((n, i) => (
              <li key={i}>
                <span className="badge">{n.severity}</span> {n.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  )
}

/** Postgres' own words (message, detail, hint, SQLSTATE) rather than the raw details object. */
function SqlErrorView({ error, at }: { error: unknown; at?: SqlErrorPosition }) {
  const d = error instanceof ApiError && error.code.startsWith('SQL_') ? (Array.isArray(error.details) ? error.details[0] : error.details) : undefined
  if (!d || typeof d !== 'object') {
    return (
      <div className="sql-results" data-testid="sql-error">
        <ErrorState error={error} title="The query failed" />
      </div>
    )
  }
  const o = d as Record<string, unknown>
  const text = (k: string) => (typeof o[k] === 'string' && o[k] ? (o[k] as string) : undefined)
  return (
    <div className="sql-results" data-testid="sql-error">
      <div className="state state-error" role="alert">
        <p className="error-message">{(error as ApiError).message}</p>
        <dl className="error-meta">
          {at?.line !== undefined && (
            <>
              <dt>Where</dt>
              <dd className="sql-error-at">
                {at.statement ? `statement ${at.statement}, ` : ''}line {at.line}, column {at.column ?? 1}
              </dd>
            </>
          )}
          {(['detail', 'hint', 'where', 'sqlstate'] as const).map((k) =>
            text(k) ? (
              <div key={k} className="sql-error-row">
                <dt>{k === 'sqlstate' ? 'SQLSTATE' : k[0]!.toUpperCase() + k.slice(1)}</dt>
                <dd>{k === 'sqlstate' ? <code>{text(k)}</code> : text(k)}</dd>
              </div>
            ) : null,
          )}
          {!text('hint') && (error as ApiError).hint && (
            <div className="sql-error-row">
              <dt>Hint</dt>
              <dd>{(error as ApiError).hint}</dd>
            </div>
          )}
        </dl>
      </div>
    </div>
  )
}
