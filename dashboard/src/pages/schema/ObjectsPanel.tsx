/** Views and functions of the exposed schemas, read-only (change them in the SQL editor). */
import { useState } from 'react'
import { ErrorState, Loading } from '../../components'
import { useAdminQuery } from '../../lib/api'

interface View {
  schema: string
  name: string
  materialized: boolean
  definition: string
}
interface Func {
  schema: string
  name: string
  kind: 'function' | 'procedure'
  args: string
  return_type: string | null
  language: string
  volatility: string
  security_definer: boolean
}

export function ObjectsPanel() {
  const [tab, setTab] = useState<'views' | 'functions'>('views')
  const views = useAdminQuery<View[]>('/views', { enabled: tab === 'views' })
  const funcs = useAdminQuery<Func[]>('/functions', { enabled: tab === 'functions' })
  const q = tab === 'views' ? views : funcs
  return (
    <section className="card schema-objects" aria-label="Views and functions">
      <div className="schema-section-head">
        <div className="segmented" role="tablist">
          {(['views', 'functions'] as const).map((t) => (
            <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)}>
              {t === 'views' ? 'Views' : 'Functions'}
            </button>
          ))}
        </div>
        <span className="muted">Read-only here: change them in the SQL editor.</span>
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorState error={q.error} compact onRetry={() => void q.refetch()} />
      ) : tab === 'views' ? (
        views.data!.length === 0 ? (
          <p className="muted schema-none">No views.</p>
        ) : (
          <ul className="schema-list">
            {views.data!.map((v) => (
              <li key={`${v.schema}.${v.name}`}>
                <details>
                  <summary className="mono">
                    {v.schema}.{v.name} {v.materialized && <span className="badge">materialized</span>}
                  </summary>
                  <pre className="sql-preview-code">{v.definition}</pre>
                </details>
              </li>
            ))}
          </ul>
        )
      ) : funcs.data!.length === 0 ? (
        <p className="muted schema-none">No functions.</p>
      ) : (
        <ul className="schema-list">
          {funcs.data!.map((f) => (
            <li key={`${f.schema}.${f.name}(${f.args})`}>
              <span className="mono">
                {f.schema}.{f.name}({f.args}){f.return_type ? ` → ${f.return_type}` : ''}
              </span>
              <span className="muted">
                {f.kind} · {f.language} · {f.volatility}
                {f.security_definer ? ' · security definer' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
