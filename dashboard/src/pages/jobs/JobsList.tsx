import { useState } from 'react'
import { Button, EmptyState, ErrorState, Loading } from '../../components'
import { formatNumber, formatRelative, formatDateTime } from '../../lib/format'
import { JobDetail } from './JobDetail'
import { useJobsQuery } from './jobs-fetch'
import { STATES, type Counts, type JobState, type JobView } from './types'

const PAGE = 20

/** A queue's jobs in one state, a page at a time; a row opens the job. */
export function JobsList({ queue, jobsOff }: { queue: string; jobsOff: boolean }) {
  const [state, setState] = useState<JobState>('failed')
  const [offset, setOffset] = useState(0)
  const [open, setOpen] = useState<string>()
  const counts = useJobsQuery<Counts>(`/admin/queues/${queue}/counts`, { enabled: !jobsOff, retry: false })
  const jobs = useJobsQuery<JobView[]>(`/admin/queues/${queue}/jobs`, {
    query: { state, offset, limit: PAGE },
    enabled: !jobsOff,
    retry: false,
    placeholderData: (prev) => prev,
  })
  const total = counts.data?.[state]
  const choose = (s: JobState) => {
    setState(s)
    setOffset(0)
  }

  return (
    <div className="jobs-list">
      <div className="jobs-states" role="group" aria-label="Job state">
        {STATES.map((s) => (
          <button key={s} type="button" className={`jobs-state${s === state ? ' active' : ''}`} aria-pressed={s === state} onClick={() => choose(s)}>
            {s} <span className="jobs-state-n">{counts.data ? formatNumber(counts.data[s] ?? 0) : '·'}</span>
          </button>
        ))}
      </div>
      {jobsOff ? (
        <EmptyState title="Jobs are off">The jobs of this queue live in Redis, which this server is not connected to.</EmptyState>
      ) : jobs.isPending ? (
        <Loading label="Loading jobs…" />
      ) : jobs.error ? (
        <ErrorState error={jobs.error} title="Could not list the jobs" onRetry={() => void jobs.refetch()} />
      ) : jobs.data.length === 0 ? (
        <EmptyState title={`No ${state} jobs`} />
      ) : (
        <div className="jobs-table-wrap">
          <table className="table jobs-table" aria-label={`${state} jobs`}>
            <thead>
              <tr>
                <th>Job</th>
                <th className="jobs-num">Attempts</th>
                <th>Created</th>
                <th>Finished</th>
                <th>Failed reason</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((j) => (
                <tr key={j.id} className="jobs-row" onClick={() => setOpen(j.id)}>
                  <td><button type="button" className="jobs-link mono" onClick={() => setOpen(j.id)}>{j.id}</button></td>
                  <td className="jobs-num">{j.attempts_made}</td>
                  <td title={formatDateTime(j.created_at)}>{formatRelative(j.created_at)}</td>
                  <td title={formatDateTime(j.finished_at)}>{j.finished_at ? formatRelative(j.finished_at) : '—'}</td>
                  <td className="jobs-reason" title={j.failed_reason ?? undefined}>{j.failed_reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="jobs-pager">
        <span className="muted">
          {jobs.data && jobs.data.length > 0 ? `${formatNumber(offset + 1)}–${formatNumber(offset + jobs.data.length)}` : ''}
          {total !== undefined && jobs.data?.length ? ` of ${formatNumber(total)}` : ''}
        </span>
        <Button size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</Button>
        <Button size="sm" disabled={!jobs.data || jobs.data.length < PAGE} onClick={() => setOffset(offset + PAGE)}>Next</Button>
      </div>
      {open && <JobDetail queue={queue} id={open} onClose={() => setOpen(undefined)} />}
    </div>
  )
}
