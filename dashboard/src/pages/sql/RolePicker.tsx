/** Who the script runs as: the owner, a request role, or a signed-in user (user id + extra claims). */
import { useId } from 'react'
import { useAdminQuery } from '../../lib/api'
import type { SqlRole } from './types'

export interface RunAs {
  role: SqlRole
  userId: string
  /** Extra JWT claims as JSON text (merged under `sub` and `role`). */
  claimsText: string
}

export const ROLE_LABELS: Record<SqlRole, string> = {
  owner: 'owner (all privileges)',
  service_role: 'service_role (bypasses rules)',
  authenticated: 'authenticated user',
  anon: 'anon (signed out)',
}

/** The body's `claims`, or an error sentence for the form. */
export function claimsFor(runAs: RunAs): { claims?: Record<string, unknown>; error?: string } {
  if (runAs.role !== 'authenticated') return {}
  const sub = runAs.userId.trim()
  if (!sub) return { error: 'A user id is needed to run as a signed-in user' }
  let extra: Record<string, unknown> = {}
  if (runAs.claimsText.trim()) {
    try {
      const parsed: unknown = JSON.parse(runAs.claimsText)
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: 'Claims must be a JSON object' }
      extra = parsed as Record<string, unknown>
    } catch (err) {
      return { error: `Claims are not valid JSON: ${(err as Error).message}` }
    }
  }
  return { claims: { ...extra, sub, role: 'authenticated' } }
}

export function RolePicker({ value, onChange, error }: { value: RunAs; onChange(v: RunAs): void; error?: string }) {
  const id = useId()
  // Suggestions for the user id: the users by email (typing any other id works too).
  const users = useAdminQuery<{ users: { id: string; email: string }[] }>('/users', { query: { limit: 200 }, enabled: value.role === 'authenticated' })
  return (
    <div className="sql-role">
      <label htmlFor={`${id}-role`}>Run as</label>
      <select id={`${id}-role`} value={value.role} onChange={(e) => onChange({ ...value, role: e.target.value as SqlRole })}>
        {(Object.keys(ROLE_LABELS) as SqlRole[]).map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      {value.role === 'authenticated' && (
        <>
          <input
            aria-label="User id"
            placeholder="user id (auth.uid())"
            list={`${id}-users`}
            className="sql-user-id mono"
            value={value.userId}
            onChange={(e) => onChange({ ...value, userId: e.target.value })}
          />
          <datalist id={`${id}-users`}>
            {users.data?.users.map((u) => (
              <option key={u.id} value={u.id} label={u.email} />
            ))}
          </datalist>
          <input
            aria-label="Extra claims (JSON)"
            placeholder='extra claims, e.g. {"email":"a@b.c"}'
            className="sql-claims mono"
            value={value.claimsText}
            onChange={(e) => onChange({ ...value, claimsText: e.target.value })}
          />
        </>
      )}
      {error && (
        <span className="sql-field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  )
}
