/**
 * The users API's SQL on better-auth's tables (schema `auth`), each on the transaction's client.
 * The writes do what better-auth's admin plugin does (plugins/admin/routes: banUser, unbanUser,
 * removeUser, setRole, revokeUserSession(s)), so a ban or a removal means the same whichever door
 * made it; they run here because those endpoints want an admin *session*, and the service key has
 * none.
 */
import { run, type Client } from '../queries.js'
import type { AdminSession, AdminUser, ListUsersQuery, OutboxEmail } from './schemas.js'

/** The one lock under which admins are counted and changed, so two demotions cannot race past "the last admin". */
const ADMINS_LOCK = 7261992018

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** better-auth stores several roles comma-separated. */
export const IS_ADMIN_SQL = `'admin' = any(string_to_array(replace(coalesce(u.role, ''), ' ', ''), ','))`
const BANNED_NOW_SQL = `(coalesce(u.banned, false) and (u.ban_expires is null or u.ban_expires > now()))`

interface UserRow {
  id: string
  email: string
  name: string
  role: string | null
  email_verified: boolean
  banned: boolean
  ban_reason: string | null
  ban_expires: Date | null
  created_at: Date
  last_sign_in_at: Date | null
  total?: string
}

const USER_SELECT = `
  select u.id::text, u.email, u.name, u.role, u.email_verified, ${BANNED_NOW_SQL} as banned, u.ban_reason, u.ban_expires,
         u.created_at, greatest(u.last_sign_in_at, (select max(s.created_at) from auth.sessions s where s.user_id = u.id)) as last_sign_in_at`

function toUser(r: UserRow): AdminUser {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role ?? 'user',
    email_verified: r.email_verified,
    banned: r.banned,
    ban_reason: r.banned ? r.ban_reason : null,
    ban_expires: r.banned ? iso(r.ban_expires) : null,
    created_at: r.created_at.toISOString(),
    last_sign_in_at: iso(r.last_sign_in_at),
  }
}

export async function listUsers(client: Client, q: ListUsersQuery): Promise<{ users: AdminUser[]; total: number }> {
  const pattern = q.search ? `%${q.search.replace(/[\\%_]/g, (ch) => '\\' + ch)}%` : null
  const where = `where ($1::text is null or u.email ilike $1 or u.name ilike $1)
                   and ($2::boolean is null or ${BANNED_NOW_SQL} = $2)`
  const rows = await run<UserRow>(
    client,
    `${USER_SELECT}, count(*) over () as total from auth.users u ${where}
      order by u.created_at desc, u.id desc limit $3 offset $4`,
    [pattern, q.banned ?? null, q.limit, q.offset],
  )
  let total = Number(rows[0]?.total ?? 0)
  if (rows.length === 0 && q.offset > 0) {
    const c = await run<{ n: string }>(client, `select count(*) as n from auth.users u ${where}`, [pattern, q.banned ?? null])
    total = Number(c[0]?.n ?? 0)
  }
  return { users: rows.map(toUser), total }
}

export async function findUser(client: Client, id: string): Promise<AdminUser | undefined> {
  const rows = await run<UserRow>(client, `${USER_SELECT} from auth.users u where u.id = $1`, [id])
  return rows[0] && toUser(rows[0])
}

export async function findUserIdByEmail(client: Client, email: string): Promise<string | undefined> {
  const rows = await run<{ id: string }>(client, 'select id::text from auth.users where lower(email) = lower($1)', [email])
  return rows[0]?.id
}

/** Takes the admins lock (until the transaction ends) and counts the admins not banned now, `except` left out. */
export async function countActiveAdmins(client: Client, except?: string): Promise<number> {
  await run(client, 'select pg_advisory_xact_lock($1)', [ADMINS_LOCK])
  const rows = await run<{ n: number }>(
    client,
    `select count(*)::int as n from auth.users u where ${IS_ADMIN_SQL} and not ${BANNED_NOW_SQL} and ($1::uuid is null or u.id <> $1)`,
    [except ?? null],
  )
  return rows[0]?.n ?? 0
}

/** As better-auth's banUser: the flags, then every session of the user ended. */
export async function banUser(client: Client, id: string, reason: string, expires: Date | null): Promise<void> {
  await run(client, 'update auth.users set banned = true, ban_reason = $2, ban_expires = $3, updated_at = now() where id = $1', [id, reason, expires])
  await run(client, 'delete from auth.sessions where user_id = $1', [id])
}

export async function unbanUser(client: Client, id: string): Promise<void> {
  await run(client, 'update auth.users set banned = false, ban_reason = null, ban_expires = null, updated_at = now() where id = $1', [id])
}

export async function updateUser(client: Client, id: string, patch: { role?: string | undefined; name?: string | undefined }): Promise<void> {
  await run(client, 'update auth.users set role = coalesce($2, role), name = coalesce($3, name), updated_at = now() where id = $1', [
    id,
    patch.role ?? null,
    patch.name ?? null,
  ])
}

/** Sessions, accounts and factors go with the user (foreign keys on delete cascade). */
export async function deleteUser(client: Client, id: string): Promise<void> {
  await run(client, 'delete from auth.users where id = $1', [id])
}

interface SessionRow {
  id: string
  created_at: Date
  updated_at: Date
  expires_at: Date
  ip_address: string | null
  user_agent: string | null
}

/** Live sessions, newest first; never their tokens. */
export async function listSessions(client: Client, userId: string): Promise<AdminSession[]> {
  const rows = await run<SessionRow>(
    client,
    `select id::text, created_at, updated_at, expires_at, ip_address, user_agent from auth.sessions
      where user_id = $1 and expires_at > now() order by created_at desc, id desc`,
    [userId],
  )
  return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString(), expires_at: r.expires_at.toISOString() }))
}

export async function deleteSessions(client: Client, userId: string): Promise<number> {
  const rows = await run<{ id: string }>(client, 'delete from auth.sessions where user_id = $1 returning id', [userId])
  return rows.length
}

export async function deleteSession(client: Client, userId: string, sessionId: string): Promise<boolean> {
  const rows = await run<{ id: string }>(client, 'delete from auth.sessions where user_id = $1 and id = $2 returning id', [userId, sessionId])
  return rows.length > 0
}

interface OutboxRow {
  id: number
  kind: string
  to_address: string
  subject: string
  text_body: string
  html_body: string
  created_at: Date
  total: string
}

export async function listOutbox(client: Client, page: { limit: number; offset: number }): Promise<{ emails: OutboxEmail[]; total: number }> {
  const rows = await run<OutboxRow>(
    client,
    `select id::int, kind, to_address, subject, text_body, html_body, created_at, count(*) over () as total
       from auth.outbox order by id desc limit $1 offset $2`,
    [page.limit, page.offset],
  )
  let total = Number(rows[0]?.total ?? 0)
  if (rows.length === 0 && page.offset > 0) total = Number((await run<{ n: string }>(client, 'select count(*) as n from auth.outbox'))[0]?.n ?? 0)
  const emails = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    to: r.to_address,
    subject: r.subject,
    text_body: r.text_body,
    html_body: r.html_body,
    created_at: r.created_at.toISOString(),
  }))
  return { emails, total }
}
