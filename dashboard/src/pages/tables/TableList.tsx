/**
 * The tables of the exposed schemas with their row counts (exact for small tables, else the
 * planner's estimate, marked ~) and a badge when RLS is off or has no rule. A search box narrows
 * the list; on a narrow window the list folds above the grid behind a toggle.
 */
import { useState } from 'react'
import { NavLink } from 'react-router'
import { ErrorState, Loading } from '../../components'
import { useAdminQuery } from '../../lib/api'
import { formatNumber } from '../../lib/format'
import { tableId, type TableSummary } from './model'

export function TableList({ selected }: { selected: string | undefined }) {
  const { data, error, isPending, refetch } = useAdminQuery<TableSummary[]>('/tables')
  const [q, setQ] = useState('')
  const [open, setOpen] = useState(false)
  const tables = (data ?? []).filter((t) => tableId(t).toLowerCase().includes(q.trim().toLowerCase()))
  const schemas = new Set((data ?? []).map((t) => t.schema))

  return (
    <aside className={`table-list${open ? ' open' : ''}`} aria-label="Tables">
      <button type="button" className="table-list-toggle btn btn-secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span>{selected ?? 'Choose a table'}</span>
        <span aria-hidden="true">{open ? '▴' : '▾'}</span>
      </button>
      <div className="table-list-body">
        <input type="search" className="table-search" placeholder="Search tables" aria-label="Search tables" value={q} onChange={(e) => setQ(e.target.value)} />
        {isPending && <Loading label="Loading tables…" />}
        {error && <ErrorState error={error} compact onRetry={() => void refetch()} />}
        {data && data.length === 0 && <p className="muted table-list-empty">No tables yet: create one in the Schema screen or the SQL editor.</p>}
        {data && data.length > 0 && tables.length === 0 && <p className="muted table-list-empty">No table matches “{q}”.</p>}
        <ul>
          {tables.map((t) => {
            const id = tableId(t)
            const warning = t.warnings[0]
            return (
              <li key={id}>
                <NavLink to={`/tables/${id}`} className={() => `table-link${selected === id ? ' active' : ''}`} onClick={() => setOpen(false)} data-table={id}>
                  <span className="table-name">
                    {schemas.size > 1 && <span className="muted">{t.schema}.</span>}
                    {t.name}
                  </span>
                  {warning && (
                    <span className="badge badge-warn" title={warning.message}>
                      {warning.problem === 'rls_disabled' ? 'RLS off' : 'no rules'}
                    </span>
                  )}
                  <span className="table-count muted" title={t.rows_exact ? 'rows' : 'estimated rows'}>
                    {t.rows_exact ? '' : '~'}
                    {formatNumber(Math.max(0, t.rows))}
                  </span>
                </NavLink>
              </li>
            )
          })}
        </ul>
      </div>
    </aside>
  )
}
