import { useState } from 'react'
import { Button, ConfirmDialog, ErrorState, Loading, useToast } from '../../components'
import { adminFetch, useAdminMutation, useAdminQuery } from '../../lib/api'
import { formatDateTime, formatRelative } from '../../lib/format'
import type { AdminSession } from './types'

/** A user's live sessions: revoke one, or all (their refresh tokens stop working). */
export function SessionsList({ userId }: { userId: string }) {
  const toast = useToast()
  const path = `/users/${userId}/sessions`
  const sessions = useAdminQuery<AdminSession[]>(path)
  const [revokingAll, setRevokingAll] = useState(false)
  const revoke = useAdminMutation((sid: string) => adminFetch(`${path}/${sid}`, { method: 'DELETE' }), {
    invalidates: [path],
    onSuccess: () => toast.success('Session revoked'),
    onError: (err) => toast.error(err),
  })
  const revokeAll = useAdminMutation(() => adminFetch(path, { method: 'DELETE' }), { invalidates: [path] })

  return (
    <section className="users-sessions" aria-label="Sessions">
      <div className="users-sessions-head">
        <h3>Sessions</h3>
        <div className="users-actions">
          <Button size="sm" variant="ghost" loading={sessions.isFetching} onClick={() => void sessions.refetch()}>Refresh</Button>
          {sessions.data && sessions.data.length > 0 && (
            <Button size="sm" onClick={() => setRevokingAll(true)}>Revoke all</Button>
          )}
        </div>
      </div>
      {sessions.isPending ? (
        <Loading label="Loading sessions…" />
      ) : sessions.error ? (
        <ErrorState error={sessions.error} compact onRetry={() => void sessions.refetch()} />
      ) : sessions.data.length === 0 ? (
        <p className="muted">No live sessions.</p>
      ) : (
        <ul className="users-session-list">
          {sessions.data.map((s) => (
            <li key={s.id}>
              <div>
                <div title={s.user_agent ?? undefined} className="users-ua">{s.user_agent ?? 'Unknown client'}</div>
                <div className="muted users-small">
                  {s.ip_address ?? 'no IP'} · started {formatRelative(s.created_at)} · expires {formatDateTime(s.expires_at)}
                </div>
              </div>
              <Button size="sm" variant="ghost" loading={revoke.isPending && revoke.variables === s.id} onClick={() => revoke.mutate(s.id)}>
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={revokingAll}
        onClose={() => setRevokingAll(false)}
        title="Revoke every session?"
        confirmLabel="Revoke all"
        danger
        onConfirm={async () => {
          await revokeAll.mutateAsync()
          toast.success('Every session revoked')
        }}
      >
        <p>The user is signed out everywhere: their refresh tokens stop working.</p>
      </ConfirmDialog>
    </section>
  )
}
