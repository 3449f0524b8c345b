/**
 * Whether a signed-in user's session may use the admin API, read from better-auth's tables (the
 * admin module asks here instead of reading schema `auth` itself).
 */
import type pg from 'pg'

/** better-auth's admin plugin stores roles comma-separated ("user,admin"). */
const hasAdminRole = (roles: string | null) => (roles ?? '').split(',').some((r) => r.trim() === 'admin')

/**
 * True when `sessionId` is an unexpired session of `userId`, that user is not banned (or the ban
 * has expired) and has the admin role, and the session verified the user's second factor if they
 * have one (aal2). Both ids must already be checked as UUIDs.
 */
export async function isLiveAdminSession(pool: pg.Pool, userId: string, sessionId: string): Promise<boolean> {
  const { rows } = await pool.query<{ role: string | null }>(
    `select u.role from auth.users u join auth.sessions s on s.user_id = u.id
      where u.id = $1 and s.id = $2 and s.expires_at > now()
        and not (coalesce(u.banned, false) and (u.ban_expires is null or u.ban_expires > now()))
        -- An admin with a verified second factor uses the admin API from an aal2 session only: a
        -- password alone (aal1) is not enough to administer the instance.
        and (s.aal = 'aal2' or not exists (select 1 from auth.mfa_factors f where f.user_id = u.id and f.status = 'verified'))`,
    [userId, sessionId],
  )
  return rows[0] !== undefined && hasAdminRole(rows[0].role)
}
