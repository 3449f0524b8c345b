/**
 * The second step of an admin's sign-in when the account has an authenticator app (TOTP): the
 * admin API accepts only a session that verified it (aal2), so the dashboard asks for the code.
 */
import { useState, type FormEvent } from 'react'
import { Button, ErrorState } from '../components'
import { useAuth } from '../lib/auth'
import { useAction } from '../lib/use-action'
import { CenteredCard } from './CenteredCard'

export function TotpStep({ email }: { email: string | undefined }) {
  const { verifyTotp, signOut } = useAuth()
  const [code, setCode] = useState('')
  const { busy, error, run } = useAction()

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!(await run(() => verifyTotp(code.replace(/\s+/g, ''))))) setCode('')
  }

  return (
    <CenteredCard title="Two-factor authentication">
      <p>
        Enter the 6-digit code from the authenticator app of <strong>{email ?? 'this account'}</strong>.
      </p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          Code
          <input
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoFocus
          />
        </label>
        {error !== undefined && <ErrorState error={error} compact />}
        <Button type="submit" variant="primary" loading={busy}>
          Verify
        </Button>
        <Button type="button" variant="ghost" onClick={() => void signOut()}>
          Sign out
        </Button>
      </form>
    </CenteredCard>
  )
}
