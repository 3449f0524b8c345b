import { useState } from 'react'
import { Button, useToast } from '../../components'
import { jobsFetch, useJobsMutation } from './jobs-fetch'
import { JobsList } from './JobsList'
import { Schedules } from './Schedules'
import type { QueueDeclaration } from './types'

/** One queue: its settings, pause/resume, its jobs by state and its schedules. */
export function QueuePanel({ queue, paused, jobsOff }: { queue: QueueDeclaration; paused?: boolean | undefined; jobsOff: boolean }) {
  const [tab, setTab] = useState<'jobs' | 'schedules'>('jobs')
  const toast = useToast()
  const setPause = useJobsMutation((pause: boolean) => jobsFetch<{ paused: boolean }>(`/admin/queues/${queue.name}/${pause ? 'pause' : 'resume'}`, { method: 'POST' }))
  const toggle = (pause: boolean) =>
    setPause.mutate(pause, {
      onSuccess: (r) => {
        toast.success(`${queue.name} ${r.paused ? 'paused' : 'resumed'}`)
      },
      onError: (err) => toast.error(err),
    })
  return (
    <section className="card jobs-panel" aria-label={`Queue ${queue.name}`}>
      <header className="jobs-panel-head">
        <div>
          <h2>
            {queue.name} {paused && <span className="badge jobs-badge-paused" data-testid="queue-paused">paused</span>}
          </h2>
          <p className="muted jobs-small">
            handler <code>{queue.handler}</code> · {queue.attempts} attempts, {queue.backoff_type} backoff {queue.backoff_ms} ms · concurrency{' '}
            {queue.concurrency} · timeout {queue.timeout_ms / 1000}s
            {queue.rate_limit ? ` · at most ${queue.rate_limit.max} per ${queue.rate_limit.duration_ms} ms` : ''} · enqueue: {queue.enqueue_roles.join(', ')}
          </p>
        </div>
        <div className="jobs-actions">
          <Button size="sm" disabled={jobsOff || paused === true} loading={setPause.isPending && setPause.variables} onClick={() => toggle(true)}>
            Pause queue
          </Button>
          <Button size="sm" disabled={jobsOff || paused === false} loading={setPause.isPending && !setPause.variables} onClick={() => toggle(false)}>
            Resume queue
          </Button>
        </div>
      </header>
      <div className="jobs-subtabs" role="tablist" aria-label={`${queue.name} sections`}>
        {(['jobs', 'schedules'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={`jobs-tab${tab === t ? ' active' : ''}`} onClick={() => setTab(t)}>
            {t === 'jobs' ? 'Jobs' : 'Schedules'}
          </button>
        ))}
      </div>
      {tab === 'jobs' ? <JobsList queue={queue.name} jobsOff={jobsOff} /> : <Schedules queue={queue.name} jobsOff={jobsOff} />}
    </section>
  )
}
