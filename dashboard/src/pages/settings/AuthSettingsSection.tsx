import { useQuery } from '@tanstack/react-query'
import { ErrorState, Loading } from '../../components'
import { apiFetch, type ApiError } from '../../lib/api'

/** GoTrue's public settings (what auth-js clients see), as /auth/v1/settings answers. */
interface AuthSettings {
  external: Record<string, boolean>
  disable_signup: boolean
  mailer_autoconfirm: boolean
  phone_autoconfirm?: boolean
  saml_enabled?: boolean
}

const PROVIDER_NAMES: Record<string, string> = { email: 'Email and password', phone: 'Phone', anonymous_users: 'Anonymous sign-ins' }

function yesNo(v: boolean) {
  return <span className={`badge${v ? ' badge-on' : ''}`}>{v ? 'on' : 'off'}</span>
}

export function AuthSettingsSection() {
  const q = useQuery<AuthSettings, ApiError>({ queryKey: ['auth-settings'], queryFn: () => apiFetch<AuthSettings>('/auth/v1/settings') })
  return (
    <section className="section card" aria-labelledby="auth-title">
      <h2 id="auth-title">Auth</h2>
      {q.isPending && <Loading />}
      {q.error && <ErrorState error={q.error} title="The auth settings could not be loaded" onRetry={() => void q.refetch()} compact />}
      {q.data && (
        <>
          <dl className="kv">
            <dt>Sign-ups</dt>
            <dd>{yesNo(!q.data.disable_signup)}</dd>
            <dt>Email confirmation required</dt>
            <dd>{yesNo(!q.data.mailer_autoconfirm)}</dd>
            {Object.entries(q.data.external).map(([name, on]) => (
              <Provider key={name} name={name} on={on} />
            ))}
          </dl>
          <p className="muted">
            These come from the server's environment (<code>AUTH_*</code> variables, OAuth client ids): change them there and
            restart. The README's configuration table lists them.
          </p>
        </>
      )}
    </section>
  )
}

function Provider({ name, on }: { name: string; on: boolean }) {
  const label = PROVIDER_NAMES[name] ?? `${name.charAt(0).toUpperCase()}${name.slice(1)} (OAuth)`
  return (
    <>
      <dt>{label}</dt>
      <dd>{yesNo(on)}</dd>
    </>
  )
}
