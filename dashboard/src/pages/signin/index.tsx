/** Sign-in with an admin account (email + password through @floe/sdk's auth-js). */
import { useState, type FormEvent } from 'react'
import { Link, Navigate, useSearchParams } from 'react-router'
import { CenteredCard } from '../../app/CenteredCard'
import { NotAdmin } from '../../app/RequireAdmin'
import { TotpStep } from '../../app/TotpStep'
import { Button, ErrorState, Loading } from '../../components'
import { useAuth } from '../../lib/auth'
import { useAction } from '../../lib/use-action'
import { useNeedsSetup } from '../../lib/setup'

/** Only paths inside the dashboard: `next` comes from the URL. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/tables'
}

export default function SignInPage() {
  const { status, signIn, signOut } = useAuth()
  const [params] = useSearchParams()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const { busy, error, run } = useAction()
  const needsSetup = useNeedsSetup(status.state !== 'loading' && status.state !== 'config-error')

  if (status.state === 'loading') return <Loading />
  if (status.state === 'config-error') {
    return (
      <CenteredCard>
        <ErrorState error={status.error} title="The dashboard could not read its configuration" onRetry={() => window.location.reload()} />
      </CenteredCard>
    )
  }
  if (status.state === 'admin') return <Navigate to={safeNext(params.get('next'))} replace />
  if (status.state === 'not-admin') return <NotAdmin email={status.session.user.email} onSignOut={() => void signOut()} />
  if (status.state === 'mfa') return <TotpStep email={status.session.user.email} />

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    await run(() => signIn(email.trim(), password))
  }
  const checking = status.state === 'checking'

  return (
    <CenteredCard title="Sign in to the dashboard">
      {needsSetup && (
        <div className="notice" data-testid="needs-setup">
          <strong>No admin account yet.</strong> Create the first one on the <Link to="/setup">setup screen</Link>, with the
          one-time link the server printed in its start log.
        </div>
      )}
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error !== undefined && <ErrorState error={error} compact />}
        {status.state === 'check-error' && <ErrorState error={status.error} compact />}
        <Button type="submit" variant="primary" loading={busy || checking}>
          Sign in
        </Button>
      </form>
    </CenteredCard>
  )
}
