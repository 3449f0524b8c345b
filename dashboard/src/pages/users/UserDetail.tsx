import { useEffect, useRef, useState } from 'react'
import { Button, ConfirmDialog, ErrorState, Loading, useToast } from '../../components'
import { adminFetch, useAdminMutation, useAdminQuery } from '../../lib/api'
import { formatDateTime } from '../../lib/format'
import { BanDialog } from './BanDialog'
import { SessionsList } from './SessionsList'
import { isAdminRole, type AdminUser } from './types'

/** One user: facts, role, ban/unban, delete, sessions. The server's refusals are shown as they come. */
export function UserDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const toast = useToast()
  const user = useAdminQuery<AdminUser>(`/users/${id}`)
  const panel = useRef<HTMLElement>(null)
  // Below 1100px the panel sits under the list: bring it into view when a user is chosen.
  useEffect(() => {
    if (window.innerWidth < 1100) panel.current?.scrollIntoView({ block: 'start', behavior: 'smooth' })
  }, [id])
  const [banning, setBanning] = useState(false)
  const [deleting, setDeleting] = useState(false)
  // A ban ends every session: the sessions list refetches too.
  const invalidates = ['/users', `/users/${id}`, `/users/${id}/sessions`]
  const setRole = useAdminMutation((role: 'user' | 'admin') => adminFetch<AdminUser>(`/users/${id}`, { method: 'PATCH', body: { role } }), {
    invalidates,
    onSuccess: (u) => toast.success(`${u.email} is now ${isAdminRole(u.role) ? 'an admin' : 'a user'}`),
    onError: (err) => toast.error(err),
  })
  const unban = useAdminMutation(() => adminFetch<AdminUser>(`/users/${id}/unban`, { method: 'POST' }), {
    invalidates,
    onSuccess: (u) => toast.success(`${u.email} is no longer banned`),
    onError: (err) => toast.error(err),
  })
  const remove = useAdminMutation(() => adminFetch(`/users/${id}`, { method: 'DELETE' }), { invalidates: ['/users'] })

  return (
    <aside ref={panel} className="card users-detail" aria-label="User details">
      <header className="users-detail-head">
        <h2>{user.data?.email ?? 'User'}</h2>
        <button type="button" className="icon-btn" aria-label="Close user details" onClick={onClose}>
          ×
        </button>
      </header>
      {user.isPending ? (
        <Loading />
      ) : user.error ? (
        <ErrorState error={user.error} title="Could not load the user" onRetry={() => void user.refetch()} />
      ) : (
        <>
          <dl className="kv users-kv">
            <dt>Id</dt>
            <dd><code>{user.data.id}</code></dd>
            <dt>Name</dt>
            <dd>{user.data.name || '—'}</dd>
            <dt>Email verified</dt>
            <dd>{user.data.email_verified ? 'yes' : 'no'}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(user.data.created_at)}</dd>
            <dt>Last sign-in</dt>
            <dd>{user.data.last_sign_in_at ? formatDateTime(user.data.last_sign_in_at) : 'never'}</dd>
            <dt>Role</dt>
            <dd className="users-inline">
              <select
                aria-label="Role"
                value={isAdminRole(user.data.role) ? 'admin' : 'user'}
                disabled={setRole.isPending}
                onChange={(e) => setRole.mutate(e.target.value as 'user' | 'admin')}
              >
                <option value="user">user</option>
                <option value="admin">admin</option>
              </select>
            </dd>
            <dt>Status</dt>
            <dd data-testid="user-ban-status">
              {user.data.banned ? (
                <span>
                  <span className="badge users-badge-banned">banned</span> {user.data.ban_reason && <>“{user.data.ban_reason}”</>}{' '}
                  <span className="muted">{user.data.ban_expires ? `until ${formatDateTime(user.data.ban_expires)}` : 'until unbanned'}</span>
                </span>
              ) : (
                'active'
              )}
            </dd>
          </dl>
          <div className="users-actions">
            {user.data.banned ? (
              <Button onClick={() => unban.mutate()} loading={unban.isPending}>Unban</Button>
            ) : (
              <Button onClick={() => setBanning(true)}>Ban…</Button>
            )}
            <Button variant="danger" onClick={() => setDeleting(true)}>Delete user…</Button>
          </div>
          <SessionsList userId={id} />
          <BanDialog open={banning} onClose={() => setBanning(false)} user={user.data} />
          <ConfirmDialog
            open={deleting}
            onClose={() => setDeleting(false)}
            title="Delete this user?"
            confirmLabel="Delete user"
            danger
            onConfirm={async () => {
              await remove.mutateAsync()
              toast.success(`Deleted ${user.data.email}`)
              onClose()
            }}
          >
            <p>
              <strong>{user.data.email}</strong> and their sessions are deleted for good. Rows they own in your tables stay unless your
              foreign keys cascade.
            </p>
          </ConfirmDialog>
        </>
      )}
    </aside>
  )
}
