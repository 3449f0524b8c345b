/**
 * The tables of the exposed schemas as a pick list, each with its rule state (RLS off, no rules).
 * Shared with the schema screen (`import { TableList } from '../rules/TableList'`).
 */
import { useMemo, useState } from 'react'
import { ErrorState, Loading } from '../../components'
import { useAdminQuery } from '../../lib/api'
import { qualified, type TableSummary } from './types'
import './table-list.css'

export function useTables() {
  return useAdminQuery<TableSummary[]>('/tables')
}

interface Props {
  selected: string | undefined
  onSelect(ref: string): void
  /** Show each table's warning badges (the rules screen) or its row count (the schema screen). */
  show?: 'warnings' | 'rows'
  label?: string
}

export function TableList({ selected, onSelect, show = 'warnings', label = 'Tables' }: Props) {
  const { data, isPending, error, refetch } = useTables()
  const [filter, setFilter] = useState('')
  const shown = useMemo(() => (data ?? []).filter((t) => qualified(t).includes(filter.trim().toLowerCase())), [data, filter])
  return (
    <nav className="table-list card" aria-label={label}>
      <input type="search" placeholder="Filter tables" aria-label="Filter tables" value={filter} onChange={(e) => setFilter(e.target.value)} />
      {isPending ? (
        <Loading />
      ) : error ? (
        <ErrorState error={error} compact onRetry={() => void refetch()} />
      ) : shown.length === 0 ? (
        <p className="muted table-list-empty">{data.length === 0 ? 'No tables yet.' : 'No table matches.'}</p>
      ) : (
        <ul>
          {shown.map((t) => {
            const ref = qualified(t)
            return (
              <li key={ref}>
                <button type="button" className={`table-list-item${ref === selected ? ' active' : ''}`} aria-current={ref === selected || undefined} onClick={() => onSelect(ref)}>
                  <span className="table-list-name">
                    {t.schema !== 'public' && <span className="muted">{t.schema}.</span>}
                    {t.name}
                  </span>
                  {show === 'warnings' ? (
                    t.warnings.length > 0 ? (
                      <span className="badge badge-warn" title={t.warnings.map((w) => w.message).join('\n')}>
                        {t.rls_enabled ? 'no rules' : 'RLS off'}
                      </span>
                    ) : (
                      <span className="muted table-list-meta">{t.policy_count} rule{t.policy_count === 1 ? '' : 's'}</span>
                    )
                  ) : (
                    <span className="muted table-list-meta">
                      {t.rows_exact ? '' : '~'}
                      {t.rows}
                    </span>
                  )}
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </nav>
  )
}
