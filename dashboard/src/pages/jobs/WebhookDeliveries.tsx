import { useState } from 'react'
import { Button, EmptyState, ErrorState, Loading } from '../../components'
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format'
import { useJobsQuery } from './jobs-fetch'
import type { Webhook, WebhookDelivery } from './types'

const PAGE = 50

/**
 * One webhook's delivery attempts, newest first, refreshed like the rest of the screen. Paged by
 * the server's cursor (`before` = the last id seen); the pages already visited are kept so
 * "Newer" goes back. A webhook that enqueues to a queue has no deliveries of its own.
 */
export function WebhookDeliveries({ webhook }: { webhook: Webhook }) {
  const [cursors, setCursors] = useState<string[]>([])
  const before = cursors.at(-1)
  const list = useJobsQuery<WebhookDelivery[]>(`/admin/webhooks/${encodeURIComponent(webhook.name)}/deliveries`, {
    query: before ? { limit: PAGE, before } : { limit: PAGE },
    enabled: webhook.url !== null,
    retry: false,
    placeholderData: (prev) => prev,
  })
  return (
    <section className="card jobs-panel" aria-label={`Deliveries of ${webhook.name}`}>
      <header className="jobs-panel-head">
        <div>
          <h2>Deliveries of {webhook.name}</h2>
          <p className="muted jobs-small">Every attempt of the last 7 days, newest first; a failed attempt is retried with the queue's backoff.</p>
        </div>
      </header>
      {webhook.url === null ? (
        <EmptyState title="No deliveries">
          This webhook enqueues to the queue <code>{webhook.queue}</code>: its jobs show in that queue.
        </EmptyState>
      ) : list.isPending ? (
        <Loading label="Loading deliveries…" />
      ) : list.error ? (
        <ErrorState error={list.error} title="Could not list the deliveries" onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No deliveries yet">A change to {webhook.schema}.{webhook.table} calls the URL; each attempt shows here.</EmptyState>
      ) : (
        <div className="jobs-table-wrap">
          <table className="table jobs-table" aria-label="Deliveries">
            <thead>
              <tr>
                <th>Time</th>
                <th className="jobs-num">Attempt</th>
                <th>Result</th>
                <th className="jobs-num">HTTP status</th>
                <th className="jobs-num">Duration</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <td title={formatDateTime(d.at)}>{formatRelative(d.at)}</td>
                  <td className="jobs-num" title={`job ${d.job_id}`}>{d.attempt}</td>
                  <td>
                    <span className={`badge jobs-state-badge is-${d.ok ? 'completed' : 'failed'}`} data-testid="delivery-result">{d.ok ? 'ok' : 'failed'}</span>
                  </td>
                  <td className="jobs-num" data-testid="delivery-status">{d.status ?? '—'}</td>
                  <td className="jobs-num">{formatNumber(d.duration_ms)} ms</td>
                  <td className="jobs-reason" title={d.error ?? undefined}>{d.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {webhook.url !== null && (
        <div className="jobs-pager">
          <span className="muted" />
          <Button size="sm" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Newer</Button>
          <Button size="sm" disabled={!list.data || list.data.length < PAGE} onClick={() => list.data && setCursors([...cursors, list.data.at(-1)!.id])}>
            Older
          </Button>
        </div>
      )}
    </section>
  )
}
