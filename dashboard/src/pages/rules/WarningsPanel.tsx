/** Tables whose rules leave them open (RLS off) or shut (no rule), across every exposed schema. */
import { ErrorState, Loading } from '../../components'
import { useAdminQuery } from '../../lib/api'
import type { RulesWarning } from './types'

const FIX: Record<RulesWarning['problem'], string> = {
  rls_disabled: 'Turn RLS on',
  no_policy: 'Add a rule',
  view_bypasses_rls: 'Review',
}

export function WarningsPanel({ onOpen }: { onOpen(table: string): void }) {
  const { data, isPending, error, refetch } = useAdminQuery<RulesWarning[]>('/rules/warnings')
  return (
    <section className="card rules-warnings" aria-label="Warnings">
      <h2>Warnings {data && data.length > 0 && <span className="badge badge-warn">{data.length}</span>}</h2>
      {isPending ? (
        <Loading />
      ) : error ? (
        <ErrorState error={error} compact onRetry={() => void refetch()} />
      ) : data.length === 0 ? (
        <p className="muted">No warnings: every table has RLS on and at least one rule.</p>
      ) : (
        <ul className="warning-list">
          {data.map((w) => {
            const ref = `${w.schema}.${w.table}`
            return (
              <li key={`${ref}-${w.problem}`} data-table={ref}>
                <div>
                  <strong className="mono">{ref}</strong>
                  <div className="muted warning-message">{w.message}</div>
                </div>
                <button type="button" className="link-btn" onClick={() => onOpen(ref)}>
                  {FIX[w.problem]} →
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
