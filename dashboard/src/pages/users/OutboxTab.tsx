import { useState } from 'react'
import { Button, Dialog, EmptyState, ErrorState, Loading } from '../../components'
import { useAdminQuery } from '../../lib/api'
import { formatDateTime, formatRelative } from '../../lib/format'
import { Pager } from './Pager'
import type { OutboxEmail, OutboxList } from './types'

const PAGE = 25

/**
 * The development outbox: auth emails kept when no SMTP server is configured. The text body is
 * shown, not the HTML one: nothing from an email is rendered as markup in the admin's page.
 */
export function OutboxTab() {
  const [offset, setOffset] = useState(0)
  const [open, setOpen] = useState<OutboxEmail>()
  const list = useAdminQuery<OutboxList>('/outbox', { query: { limit: PAGE, offset }, placeholderData: (prev) => prev, refetchInterval: 10_000 })

  if (list.isPending) return <Loading label="Loading emails…" />
  if (list.error) return <ErrorState error={list.error} title="Could not load the outbox" onRetry={() => void list.refetch()} />
  return (
    <section aria-label="Email outbox">
      <p className="muted users-note">
        Auth emails (verification, password reset, magic links) are kept here when no SMTP server is configured. They hold one-time links.
      </p>
      {list.data.emails.length === 0 ? (
        <EmptyState title="No emails">Nothing has been sent yet, or SMTP is configured and emails leave through it.</EmptyState>
      ) : (
        <>
          <div className="users-table-wrap">
            <table className="table users-table">
              <thead>
                <tr>
                  <th>To</th>
                  <th>Subject</th>
                  <th>Kind</th>
                  <th>Sent</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {list.data.emails.map((m) => (
                  <tr key={m.id} className="users-row" onClick={() => setOpen(m)}>
                    <td>{m.to}</td>
                    <td>{m.subject}</td>
                    <td><span className="badge">{m.kind}</span></td>
                    <td title={formatDateTime(m.created_at)}>{formatRelative(m.created_at)}</td>
                    <td>
                      <Button size="sm" onClick={() => setOpen(m)} aria-label={`Read email to ${m.to}: ${m.subject}`}>
                        Read
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={PAGE} total={list.data.total} onOffset={setOffset} />
        </>
      )}
      <Dialog open={open !== undefined} onClose={() => setOpen(undefined)} title={open?.subject ?? ''} size="lg">
        {open && (
          <>
            <dl className="kv">
              <dt>To</dt>
              <dd>{open.to}</dd>
              <dt>Kind</dt>
              <dd>{open.kind}</dd>
              <dt>Sent</dt>
              <dd>{formatDateTime(open.created_at)}</dd>
            </dl>
            <pre className="users-email-body" data-testid="outbox-email-body">{open.text_body}</pre>
          </>
        )}
      </Dialog>
    </section>
  )
}
