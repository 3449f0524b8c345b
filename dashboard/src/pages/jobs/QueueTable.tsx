import { EmptyState } from '../../components'
import { formatNumber } from '../../lib/format'
import { useJobsQuery } from './jobs-fetch'
import type { Counts, QueueDeclaration } from './types'

const COLUMNS = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const

/** Every declared queue with its counts by state (each row refreshes on its own). */
export function QueueTable({ queues, selected, paused, jobsOff, onSelect }: {
  queues: QueueDeclaration[]
  selected?: string
  paused: Record<string, boolean>
  jobsOff: boolean
  onSelect: (q: string) => void
}) {
  if (queues.length === 0) {
    return (
      <EmptyState title="No queues declared">
        Declare one with <code>PUT /jobs/v1/admin/queues/&lt;name&gt;</code> (a handler from FLOE_FUNCTIONS_DIR, webhook or email).
      </EmptyState>
    )
  }
  return (
    <div className="jobs-table-wrap">
      <table className="table jobs-table" aria-label="Queues">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Handler</th>
            {COLUMNS.map((c) => (
              <th key={c} className="jobs-num">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <QueueRow key={q.name} queue={q} selected={q.name === selected} paused={paused[q.name]} jobsOff={jobsOff} onSelect={() => onSelect(q.name)} />
          ))}
        </tbody>
      </table>
    </div>
  )
}

function QueueRow({ queue, selected, paused, jobsOff, onSelect }: { queue: QueueDeclaration; selected: boolean; paused?: boolean; jobsOff: boolean; onSelect: () => void }) {
  const counts = useJobsQuery<Counts>(`/admin/queues/${queue.name}/counts`, { enabled: !jobsOff, retry: false })
  return (
    <tr className={`jobs-row${selected ? ' selected' : ''}`} onClick={onSelect} aria-selected={selected}>
      <td>
        <button type="button" className="jobs-link" onClick={onSelect}>{queue.name}</button>
        {paused && <span className="badge jobs-badge-paused">paused</span>}
      </td>
      <td className="muted">{queue.handler}</td>
      {COLUMNS.map((c) => {
        const n = counts.data?.[c]
        return (
          <td key={c} className={`jobs-num${n ? ` jobs-count-${c}` : ''}`} data-testid={`count-${queue.name}-${c}`} title={counts.error?.message}>
            {n === undefined ? '—' : formatNumber(n)}
          </td>
        )
      })}
    </tr>
  )
}
