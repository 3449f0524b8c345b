/**
 * Jobs: what bull-board shows, inside the BaaS. Queues with their counts, a queue's jobs by
 * state (detail, retry, remove), pause/resume, cron schedules, dead letters across queues and
 * database webhooks. Everything refreshes every few seconds. Without Redis the jobs API answers
 * 503 and the screen says so in the server's words.
 */
import { useSearchParams } from 'react-router'
import { ErrorState, Loading, PageHeader } from '../../components'
import { DeadLetters } from './DeadLetters'
import { useJobsQuery } from './jobs-fetch'
import { QueuePanel } from './QueuePanel'
import { QueueTable } from './QueueTable'
import type { JobView, QueueDeclaration } from './types'
import { UpdatedAgo } from './UpdatedAgo'
import { Webhooks } from './Webhooks'
import './jobs.css'

const VIEWS = [
  { id: 'queues', label: 'Queues' },
  { id: 'dead', label: 'Dead letters' },
  { id: 'webhooks', label: 'Webhooks' },
] as const
type View = (typeof VIEWS)[number]['id']

export default function JobsPage() {
  const [params, setParams] = useSearchParams()
  const view = (VIEWS.find((v) => v.id === params.get('view'))?.id ?? 'queues') as View
  const queue = params.get('queue') ?? undefined
  // The listing says which queues are paused; a pause/resume refetches it.
  const queues = useJobsQuery<QueueDeclaration[]>('/admin/queues')
  const paused = Object.fromEntries((queues.data ?? []).map((q) => [q.name, q.paused === true]))
  // Also the availability probe: the dead-letter list answers 503 when jobs are off.
  const dead = useJobsQuery<JobView[]>('/admin/dead-letter', { query: { limit: 100 }, retry: false })
  const off = dead.error?.status === 503 ? dead.error : undefined
  const go = (next: Record<string, string>) => setParams(next)

  return (
    <>
      <PageHeader
        title="Jobs"
        description="Queues, their jobs, schedules, dead letters and webhooks (BullMQ on Redis)."
        actions={<UpdatedAgo at={Math.max(queues.dataUpdatedAt, dead.dataUpdatedAt, dead.errorUpdatedAt)} fetching={queues.isFetching || dead.isFetching} />}
      />
      {off && (
        <div className="notice jobs-off" role="status" data-testid="jobs-off">
          <strong>Jobs are off:</strong> {off.message.replace(/^Jobs are off:\s*/i, '')}
          {off.hint && !off.message.includes('REDIS_URL') && <div className="muted">{off.hint}</div>}
        </div>
      )}
      <div className="jobs-tabs" role="tablist" aria-label="Jobs sections">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            role="tab"
            aria-selected={view === v.id}
            className={`jobs-tab${view === v.id ? ' active' : ''}`}
            onClick={() => go(v.id === 'queues' ? {} : { view: v.id })}
          >
            {v.label}
            {v.id === 'dead' && dead.data && dead.data.length > 0 && <span className="badge jobs-badge-failed">{dead.data.length}</span>}
          </button>
        ))}
      </div>
      {view === 'queues' &&
        (queues.isPending ? (
          <Loading label="Loading queues…" />
        ) : queues.error ? (
          <ErrorState error={queues.error} title="Could not load queues" onRetry={() => void queues.refetch()} />
        ) : (
          <>
            <QueueTable queues={queues.data} selected={queue} paused={paused} jobsOff={!!off} onSelect={(q) => go({ queue: q })} />
            {queue && queues.data.some((q) => q.name === queue) && (
              <QueuePanel
                key={queue}
                queue={queues.data.find((q) => q.name === queue)!}
                paused={paused[queue]}
                jobsOff={!!off}
              />
            )}
          </>
        ))}
      {view === 'dead' && <DeadLetters query={dead} />}
      {view === 'webhooks' && <Webhooks queues={queues.data ?? []} />}
    </>
  )
}
