/**
 * First-admin setup (`/dashboard/setup?token=…`, the link the server prints at first boot): the
 * token from the URL with the form goes to POST /admin/v1/setup, then the new admin signs in.
 */
import { useState, type FormEvent } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { CenteredCard } from '../../app/CenteredCard'
import { Button, ErrorState } from '../../components'
import { ApiError } from '../../lib/api'
import { useAuth } from '../../lib/auth'
import { createFirstAdmin, useNeedsSetup } from '../../lib/setup'

function explain(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err
  if (err.status === 401 || err.status === 403) {
    return new ApiError(err.status, err.code, 'The setup token is wrong or has expired. Use the link from the server’s latest start log.', err.details, err.hint)
  }
  // USERS_SETUP_DONE; another 409 (a setup already in progress) keeps the server's words.
  if (err.code === 'USERS_SETUP_DONE') return new ApiError(409, err.code, 'An admin account already exists: sign in instead.', err.details, err.hint)
  return err
}

export default function SetupPage() {
  const [params] = useSearchParams()
  const token = params.get('token') ?? ''
  const { signIn } = useAuth()
  const navigate = useNavigate()
  const needsSetup = useNeedsSetup()
  const [form, setForm] = useState({ email: '', password: '', name: '' })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()

  if (!token) {
    return (
      <CenteredCard title="Create the first admin">
        <p>
          This screen needs the one-time setup link. The server prints it in its start log, as
          <code> …/dashboard/setup?token=…</code>: open that link.
        </p>
        <p>
          <Link to="/signin">Back to sign-in</Link>
        </p>
      </CenteredCard>
    )
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const name = form.name.trim()
      await createFirstAdmin({ token, email: form.email.trim(), password: form.password, ...(name ? { name } : {}) })
      await signIn(form.email.trim(), form.password)
      navigate('/tables', { replace: true })
    } catch (err) {
      setError(explain(err))
    } finally {
      setBusy(false)
    }
  }
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }))

  return (
    <CenteredCard title="Create the first admin">
      {needsSetup === false && (
        <div className="notice">
          This instance already has an admin. <Link to="/signin">Sign in</Link>.
        </div>
      )}
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          <span>
            Name <span className="muted">(optional)</span>
          </span>
          <input autoComplete="name" value={form.name} onChange={set('name')} />
        </label>
        <label>
          Email
          <input type="email" autoComplete="username" required value={form.email} onChange={set('email')} autoFocus />
        </label>
        <label>
          Password
          <input type="password" autoComplete="new-password" required minLength={8} value={form.password} onChange={set('password')} />
        </label>
        {error !== undefined && <ErrorState error={error} compact />}
        <Button type="submit" variant="primary" loading={busy}>
          Create admin and sign in
        </Button>
      </form>
    </CenteredCard>
  )
}
