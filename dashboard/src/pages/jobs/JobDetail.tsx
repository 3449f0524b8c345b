import { useState } from 'react'
import { Button, ConfirmDialog, Dialog, ErrorState, Loading, useToast } from '../../components'
import { formatDateTime } from '../../lib/format'
import { jobsFetch, useJobsMutation, useJobsQuery } from './jobs-fetch'
import type { JobView } from './types'

const json = (v: unknown) => JSON.stringify(v, null, 2)

/** One job, refreshed while open: payload, progress, result or failure, timestamps; retry and remove. */
export function JobDetail({ queue, id, onClose }: { queue: string; id: string; onClose: () => void }) {
  const job = useJobsQuery<JobView>(`/${queue}/${encodeURIComponent(id)}`, { retry: false })
  const [removing, setRemoving] = useState(false)
  const toast = useToast()
  const base = `/admin/queues/${queue}/jobs/${encodeURIComponent(id)}`
  const retry = useJobsMutation(() => jobsFetch<JobView>(`${base}/retry`, { method: 'POST' }))
  const remove = useJobsMutation(() => jobsFetch(base, { method: 'DELETE' }))
  const j = job.data
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Job ${id}`}
      size="lg"
      footer={
        j && (
          <>
            {j.state === 'failed' && (
              <Button
                variant="primary"
                loading={retry.isPending}
                onClick={() => retry.mutate(undefined, { onSuccess: () => toast.success('Queued again'), onError: (e) => toast.error(e) })}
              >
                Retry job
              </Button>
            )}
            <Button variant="danger" onClick={() => setRemoving(true)}>Remove job</Button>
          </>
        )
      }
    >
      {job.isPending ? (
        <Loading />
      ) : job.error ? (
        <ErrorState error={job.error} title="Could not load the job" />
      ) : (
        <>
          <dl className="kv jobs-kv" data-testid="job-detail">
            <dt>Queue</dt>
            <dd>{j!.queue}</dd>
            <dt>State</dt>
            <dd><span className={`badge jobs-state-badge is-${j!.state}`} data-testid="job-state">{j!.state}</span></dd>
            <dt>Attempts made</dt>
            <dd data-testid="job-attempts">{j!.attempts_made}</dd>
            <dt>Progress</dt>
            <dd>
              {typeof j!.progress === 'number' ? (
                <span className="jobs-inline"><progress max={100} value={j!.progress} /> {j!.progress}%</span>
              ) : (
                <pre className="jobs-json">{json(j!.progress)}</pre>
              )}
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(j!.created_at)}</dd>
            <dt>Processed</dt>
            <dd>{formatDateTime(j!.processed_at)}</dd>
            <dt>Finished</dt>
            <dd>{formatDateTime(j!.finished_at)}</dd>
          </dl>
          {j!.failed_reason && (
            <section>
              <h3 className="jobs-h3">Failed reason</h3>
              <pre className="jobs-json jobs-error" data-testid="job-failed-reason">{j!.failed_reason}</pre>
            </section>
          )}
          <section>
            <h3 className="jobs-h3">Payload</h3>
            <pre className="jobs-json" data-testid="job-payload">{json(j!.payload)}</pre>
          </section>
          {j!.result !== null && j!.result !== undefined && (
            <section>
              <h3 className="jobs-h3">Result</h3>
              <pre className="jobs-json">{json(j!.result)}</pre>
            </section>
          )}
        </>
      )}
      <ConfirmDialog
        open={removing}
        onClose={() => setRemoving(false)}
        title="Remove this job?"
        confirmLabel="Remove job"
        danger
        onConfirm={async () => {
          await remove.mutateAsync()
          toast.success(`Removed job ${id}`)
          onClose()
        }}
      >
        <p>The job and its history leave Redis; an active job cannot be removed while it runs.</p>
      </ConfirmDialog>
    </Dialog>
  )
}
