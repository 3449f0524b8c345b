import { useState, type FormEvent } from 'react'
import { Button, Dialog, ErrorState, useToast } from '../../components'
import { adminFetch, useAdminMutation } from '../../lib/api'
import type { AdminUser } from './types'

const DURATIONS = [
  { label: 'Until unbanned', s: 0 },
  { label: '1 hour', s: 3600 },
  { label: '1 day', s: 86_400 },
  { label: '7 days', s: 7 * 86_400 },
  { label: '30 days', s: 30 * 86_400 },
]

/** Ban with an optional reason and duration: sign-in refused and every session ended. */
export function BanDialog({ open, onClose, user }: { open: boolean; onClose: () => void; user: AdminUser }) {
  const [reason, setReason] = useState('')
  const [duration, setDuration] = useState(0)
  const toast = useToast()
  const ban = useAdminMutation(
    () =>
      adminFetch<AdminUser>(`/users/${user.id}/ban`, {
        method: 'POST',
        body: { ...(reason.trim() ? { reason: reason.trim() } : {}), ...(duration ? { expires_in_s: duration } : {}) },
      }),
    { invalidates: ['/users', `/users/${user.id}`, `/users/${user.id}/sessions`] },
  )
  const close = () => {
    setReason('')
    setDuration(0)
    ban.reset()
    onClose()
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    ban.mutate(undefined, {
      onSuccess: (u) => {
        toast.success(`Banned ${u.email}`)
        close()
      },
    })
  }
  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Ban ${user.email}`}
      size="sm"
      dismissable={!ban.isPending}
      footer={
        <>
          <Button onClick={close} disabled={ban.isPending}>Cancel</Button>
          <Button variant="danger" type="submit" form="ban-user-form" loading={ban.isPending}>
            Ban user
          </Button>
        </>
      }
    >
      <form id="ban-user-form" className="form" onSubmit={submit}>
        <p className="muted users-note">Sign-in is refused and every session ends (refresh tokens stop working).</p>
        <label>
          Reason <span className="muted">(optional)</span>
          <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} autoFocus />
        </label>
        <label>
          Duration
          <select value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
            {DURATIONS.map((d) => (
              <option key={d.s} value={d.s}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        {ban.error && <ErrorState error={ban.error} compact />}
      </form>
    </Dialog>
  )
}
