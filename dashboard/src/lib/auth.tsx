/**
 * Who is signed in to the dashboard. Reads `/dashboard/config.json` (the anon key, public by
 * design), builds one `@floe/sdk` client on this origin whose session auth-js persists in
 * localStorage under a dashboard-only key (and refreshes), and checks the session against the
 * admin API: a token /admin/v1 refuses with 403 is "signed in, not an admin".
 */
import { createClient, type FloeClient, type Session } from '@floe/sdk'
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { ApiError, adminFetch, configureApi } from './api'

export const SESSION_STORAGE_KEY = 'floe-dashboard-auth'

export interface DashboardConfig {
  /** The server's PUBLIC_URL (what apps use); the dashboard itself calls its own origin. */
  url: string
  anon_key: string
}

export type AuthStatus =
  | { state: 'loading' }
  | { state: 'config-error'; error: unknown }
  | { state: 'signed-out' }
  | { state: 'checking'; session: Session }
  /** Signed in with the password; the account has a verified TOTP factor: the code comes next. */
  | { state: 'mfa'; session: Session }
  | { state: 'not-admin'; session: Session }
  | { state: 'admin'; session: Session }
  | { state: 'check-error'; session: Session; error: unknown }

export interface Auth {
  status: AuthStatus
  config: DashboardConfig | undefined
  client: FloeClient | undefined
  signIn(email: string, password: string): Promise<void>
  /** The TOTP code of the account's verified factor: the session becomes aal2. */
  verifyTotp(code: string): Promise<void>
  signOut(): Promise<void>
  /** Check the admin API again (after a network error). */
  recheck(): void
  /** After the anon key was rotated: use the new one from now on (the session is kept). */
  replaceAnonKey(anonKey: string): void
}

const AuthContext = createContext<Auth | undefined>(undefined)

/** The dashboard's client: this origin (CSP connect-src 'self'), its own session key. */
function createDashboardClient(anonKey: string): FloeClient {
  return createClient(window.location.origin, anonKey, {
    auth: { storageKey: SESSION_STORAGE_KEY, persistSession: true, autoRefreshToken: true, detectSessionInUrl: false },
  })
}

async function loadConfig(): Promise<DashboardConfig> {
  const res = await fetch('/dashboard/config.json', { headers: { accept: 'application/json' } })
  if (!res.ok) throw await ApiError.fromResponse(res)
  return (await res.json()) as DashboardConfig
}

/**
 * 'mfa' when the session has yet to verify the account's second factor (the admin API refuses an
 * aal1 session of such an account); then 2xx: admin, 403: signed in, not an admin. Anything else: report it.
 */
async function checkAdmin(client: FloeClient): Promise<'admin' | 'not-admin' | 'mfa'> {
  const { data: aal } = await client.auth.mfa.getAuthenticatorAssuranceLevel()
  if (aal?.currentLevel === 'aal1' && aal.nextLevel === 'aal2') return 'mfa'
  try {
    await adminFetch('/audit', { query: { limit: 1 } })
    return 'admin'
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return 'not-admin'
    throw err
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [config, setConfig] = useState<DashboardConfig>()
  const [client, setClient] = useState<FloeClient>()
  const [session, setSession] = useState<Session | null | undefined>(undefined)
  const [configError, setConfigError] = useState<unknown>()
  const [check, setCheck] = useState<{ token: string; result: 'admin' | 'not-admin' | 'mfa' | 'checking' | { error: unknown } }>()
  const [recheckCount, setRecheckCount] = useState(0)

  const applyConfig = useCallback((cfg: DashboardConfig) => {
    const c = createDashboardClient(cfg.anon_key)
    configureApi({
      anonKey: cfg.anon_key,
      getAccessToken: async () => (await c.auth.getSession()).data.session?.access_token ?? null,
      // A token the admin API no longer accepts: back to the sign-in screen (local sign-out only).
      onUnauthorized: () => void c.auth.signOut({ scope: 'local' }).catch(() => undefined),
    })
    setConfig(cfg)
    setClient((old) => {
      old?.auth.stopAutoRefresh().catch(() => undefined)
      return c
    })
  }, [])

  useEffect(() => {
    let cancelled = false
    loadConfig().then(
      (cfg) => !cancelled && applyConfig(cfg),
      (err: unknown) => !cancelled && setConfigError(err),
    )
    return () => {
      cancelled = true
    }
  }, [applyConfig])

  useEffect(() => {
    if (!client) return
    void client.auth.getSession().then(({ data }) => setSession(data.session))
    const { data } = client.auth.onAuthStateChange((_event, s) => setSession(s))
    return () => data.subscription.unsubscribe()
  }, [client])

  // The admin check follows the user, not each refreshed token: a refresh keeps the verdict.
  const userId = session?.user.id
  useEffect(() => {
    if (!session || !userId || !client) return
    let cancelled = false
    setCheck({ token: userId, result: 'checking' })
    checkAdmin(client).then(
      (result) => !cancelled && setCheck({ token: userId, result }),
      (error: unknown) => !cancelled && setCheck({ token: userId, result: { error } }),
    )
    return () => {
      cancelled = true
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId, recheckCount])

  const signIn = useCallback(
    async (email: string, password: string) => {
      if (!client) throw new Error('The dashboard is still loading')
      const { error } = await client.auth.signInWithPassword({ email, password })
      if (error) throw error
    },
    [client],
  )

  const verifyTotp = useCallback(
    async (code: string) => {
      if (!client) throw new Error('The dashboard is still loading')
      const { data, error } = await client.auth.mfa.listFactors()
      if (error) throw error
      const factor = data.totp.find((f) => f.status === 'verified')
      if (!factor) throw new Error('This account has no verified authenticator app')
      const verified = await client.auth.mfa.challengeAndVerify({ factorId: factor.id, code })
      if (verified.error) throw verified.error
      setRecheckCount((n) => n + 1)
    },
    [client],
  )

  const signOut = useCallback(async () => {
    // Local scope: the server session ends too when reachable; a dead token still signs out here.
    await client?.auth.signOut().catch(() => undefined)
    setSession(null)
    setCheck(undefined)
  }, [client])

  const status = useMemo<AuthStatus>(() => {
    if (configError) return { state: 'config-error', error: configError }
    if (!client || session === undefined) return { state: 'loading' }
    if (!session) return { state: 'signed-out' }
    if (!check || check.token !== session.user.id || check.result === 'checking') return { state: 'checking', session }
    if (check.result === 'admin') return { state: 'admin', session }
    if (check.result === 'not-admin') return { state: 'not-admin', session }
    if (check.result === 'mfa') return { state: 'mfa', session }
    return { state: 'check-error', session, error: check.result.error }
  }, [configError, client, session, check])

  const value = useMemo<Auth>(
    () => ({
      status,
      config,
      client,
      signIn,
      verifyTotp,
      signOut,
      recheck: () => setRecheckCount((n) => n + 1),
      replaceAnonKey: (anonKey: string) => config && applyConfig({ ...config, anon_key: anonKey }),
    }),
    [status, config, client, signIn, verifyTotp, signOut, applyConfig],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext)
  if (!auth) throw new Error('useAuth outside AuthProvider')
  return auth
}
