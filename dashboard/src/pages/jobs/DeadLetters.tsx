import type { UseQueryResult } from '@tanstack/react-query'
import { useState } from 'react'
import { Button, EmptyState, ErrorState, Loading, useToast } from '../../components'
import type { ApiError } from '../../lib/api'
import { formatDateTime, formatRelative } from '../../lib/format'
import { JobDetail } from './JobDetail'
import { jobsFetch, useJobsMutation } from './jobs-fetch'
import type { JobView } from './types'

/** Failed jobs past their attempts, every queue, newest first: open or replay each. */
export function DeadLetters({ query }: { query: UseQueryResult<JobView[], ApiError> }) {
  const [open, setOpen] = useState<JobView>()
  const toast = useToast()
  const retry = useJobsMutation((j: JobView) => jobsFetch(`/admin/queues/${j.queue}/jobs/${encodeURIComponent(j.id)}/retry`, { method: 'POST' }))
  if (query.isPending) return <Loading label="Loading dead letters…" />
  if (query.error) return query.error.status === 503 ? <EmptyState title="Jobs are off">No dead letters to show without Redis.</EmptyState> : <ErrorState error={query.error} onRetry={() => void query.refetch()} />
  if (query.data.length === 0) return <EmptyState title="No dead letters">No job has failed past its attempts.</EmptyState>
  return (
    <div className="jobs-table-wrap">
      <table className="table jobs-table" aria-label="Dead letters">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Job</th>
            <th className="jobs-num">Attempts</th>
            <th>Failed</th>
            <th>Reason</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {query.data.map((j) => (
            <tr key={`${j.queue}/${j.id}`} className="jobs-row" onClick={() => setOpen(j)}>
              <td>{j.queue}</td>
              <td><button type="button" className="jobs-link mono" onClick={() => setOpen(j)}>{j.id}</button></td>
              <td className="jobs-num">{j.attempts_made}</td>
              <td title={formatDateTime(j.finished_at)}>{formatRelative(j.finished_at)}</td>
              <td className="jobs-reason" title={j.failed_reason ?? undefined}>{j.failed_reason}</td>
              <td>
                <Button
                  size="sm"
                  loading={retry.isPending && retry.variables?.id === j.id}
                  onClick={(e) => {
                    e.stopPropagation()
                    retry.mutate(j, { onSuccess: () => toast.success(`Job ${j.id} queued again`), onError: (err) => toast.error(err) })
                  }}
                >
                  Retry
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <JobDetail queue={open.queue} id={open.id} onClose={() => setOpen(undefined)} />}
    </div>
  )
}
