import { useState, type FormEvent } from 'react'
import { Button, Dialog, ErrorState, useToast } from '../../components'
import { adminFetch, useAdminMutation } from '../../lib/api'
import type { AdminUser } from './types'

const EMPTY = { email: '', password: '', name: '', admin: false, verified: true }

/** A user with a password (no email is sent), optionally an admin, optionally already verified. */
export function CreateUserDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const [form, setForm] = useState(EMPTY)
  const toast = useToast()
  const create = useAdminMutation(
    () =>
      adminFetch<AdminUser>('/users', {
        method: 'POST',
        body: {
          email: form.email,
          password: form.password,
          ...(form.name.trim() ? { name: form.name.trim() } : {}),
          role: form.admin ? 'admin' : 'user',
          email_verified: form.verified,
        },
      }),
    { invalidates: ['/users'] },
  )
  const close = () => {
    setForm(EMPTY)
    create.reset()
    onClose()
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate(undefined, {
      onSuccess: (u) => {
        toast.success(`Created ${u.email}`)
        onCreated(u.id)
        close()
      },
    })
  }
  const set = (patch: Partial<typeof EMPTY>) => setForm((f) => ({ ...f, ...patch }))
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create user"
      dismissable={!create.isPending}
      footer={
        <>
          <Button onClick={close} disabled={create.isPending}>Cancel</Button>
          <Button variant="primary" type="submit" form="create-user-form" loading={create.isPending}>
            Create user
          </Button>
        </>
      }
    >
      <form id="create-user-form" className="form" onSubmit={submit}>
        <label>
          Email
          <input type="email" required autoFocus value={form.email} onChange={(e) => set({ email: e.target.value })} />
        </label>
        <label>
          Password
          <input type="password" required minLength={8} maxLength={128} autoComplete="new-password" value={form.password} onChange={(e) => set({ password: e.target.value })} />
        </label>
        <label>
          Name <span className="muted">(optional)</span>
          <input value={form.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} />
        </label>
        <label className="users-check">
          <input type="checkbox" checked={form.admin} onChange={(e) => set({ admin: e.target.checked })} />
          Admin (may use this dashboard and the admin API)
        </label>
        <label className="users-check">
          <input type="checkbox" checked={form.verified} onChange={(e) => set({ verified: e.target.checked })} />
          Email already verified
        </label>
        {create.error && <ErrorState error={create.error} compact />}
      </form>
    </Dialog>
  )
}
