import { useState } from 'react'
import { Button, ConfirmDialog, EmptyState, ErrorState, Loading, useToast } from '../../components'
import { formatRelative } from '../../lib/format'
import { jobsFetch, useJobsMutation, useJobsQuery } from './jobs-fetch'
import type { QueueDeclaration, Webhook } from './types'
import { WebhookDeliveries } from './WebhookDeliveries'
import { WebhookDialog } from './WebhookDialog'

/** Database webhooks: on insert/update/delete of a table, POST to a URL or enqueue to a queue; a row opens its deliveries. */
export function Webhooks({ queues }: { queues: QueueDeclaration[] }) {
  const list = useJobsQuery<Webhook[]>('/admin/webhooks', { refetchInterval: 10_000 })
  const [creating, setCreating] = useState(false)
  const [deleting, setDeleting] = useState<string>()
  const [selected, setSelected] = useState<string>()
  const open = list.data?.find((w) => w.name === selected)
  const toast = useToast()
  const remove = useJobsMutation((name: string) => jobsFetch(`/admin/webhooks/${encodeURIComponent(name)}`, { method: 'DELETE' }))
  return (
    <section aria-label="Webhooks" className="jobs-webhooks">
      <div className="jobs-webhooks-head">
        <p className="muted jobs-small">
          Each delivery is a job (handler <code>webhook</code>, or the queue named). Open a webhook to see its delivery attempts: time, HTTP
          status, duration and error.
        </p>
        <Button variant="primary" onClick={() => setCreating(true)}>New webhook</Button>
      </div>
      {list.isPending ? (
        <Loading label="Loading webhooks…" />
      ) : list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No webhooks">Create one to call a URL or queue a job when rows change.</EmptyState>
      ) : (
        <div className="jobs-table-wrap">
          <table className="table jobs-table" aria-label="Webhooks list">
            <thead>
              <tr><th>Name</th><th>Table</th><th>Events</th><th>Target</th><th>Created</th><th aria-label="Actions" /></tr>
            </thead>
            <tbody>
              {list.data.map((w) => (
                <tr key={w.id} className={`jobs-row${w.name === selected ? ' selected' : ''}`} onClick={() => setSelected(w.name)}>
                  <td>
                    <button type="button" className="jobs-link" aria-label={`Deliveries of ${w.name}`} onClick={() => setSelected(w.name)}>
                      {w.name}
                    </button>
                  </td>
                  <td className="mono">{w.schema}.{w.table}</td>
                  <td>{w.events.join(', ')}</td>
                  <td className="jobs-reason" title={w.url ?? undefined}>{w.url ?? <>queue <code>{w.queue}</code></>}</td>
                  <td>{formatRelative(w.created_at)}</td>
                  <td>
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={(e) => {
                        e.stopPropagation()
                        setDeleting(w.name)
                      }}
                    >
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <WebhookDeliveries key={open.name} webhook={open} />}
      <WebhookDialog open={creating} onClose={() => setCreating(false)} queues={queues} />
      <ConfirmDialog
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title={`Delete webhook ${deleting ?? ''}?`}
        confirmLabel="Delete webhook"
        danger
        onConfirm={async () => {
          await remove.mutateAsync(deleting!)
          toast.success('Webhook deleted')
        }}
      >
        <p>Its trigger is dropped: later changes to the table call nothing.</p>
      </ConfirmDialog>
    </section>
  )
}
