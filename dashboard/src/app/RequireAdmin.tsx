/**
 * The gate in front of every screen: still loading, signed out (to the sign-in screen, back here
 * after), signed in with the password but the TOTP code still due, signed in but not an admin
 * (say so, offer to sign out), or in.
 */
import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router'
import { Button, ErrorState, Loading } from '../components'
import { useAuth } from '../lib/auth'
import { CenteredCard } from './CenteredCard'
import { TotpStep } from './TotpStep'

export function RequireAdmin({ children }: { children: ReactNode }) {
  const { status, signOut, recheck } = useAuth()
  const location = useLocation()
  switch (status.state) {
    case 'loading':
    case 'checking':
      return <Loading label="Loading the dashboard…" />
    case 'config-error':
      return (
        <CenteredCard>
          <ErrorState error={status.error} title="The dashboard could not read its configuration (/dashboard/config.json)" onRetry={() => window.location.reload()} />
        </CenteredCard>
      )
    case 'signed-out':
      return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
    case 'not-admin':
      return <NotAdmin email={status.session.user.email} onSignOut={() => void signOut()} />
    case 'mfa':
      return <TotpStep email={status.session.user.email} />
    case 'check-error':
      return (
        <CenteredCard>
          <ErrorState error={status.error} title="Could not reach the admin API" onRetry={recheck} />
          <Button variant="ghost" onClick={() => void signOut()}>Sign out</Button>
        </CenteredCard>
      )
    case 'admin':
      return <>{children}</>
  }
}

export function NotAdmin({ email, onSignOut }: { email: string | undefined; onSignOut: () => void }) {
  return (
    <CenteredCard title="This account is not an admin">
      <p data-testid="not-admin">
        You are signed in as <strong>{email ?? 'this user'}</strong>, but this account is not an admin, so the admin API refused
        it. Ask an admin to give the account the admin role, or sign in with another account.
      </p>
      <Button variant="primary" onClick={onSignOut}>Sign out</Button>
    </CenteredCard>
  )
}
